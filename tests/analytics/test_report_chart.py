"""The 4h report chart's data: only the span with data (older PnL carried in, not drawn as a
year of empty axis), each account's equity within it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from orchestration.defs.reports.chart import cumulative, equity_series, pnl_points, render

END = datetime(2026, 11, 22, 12, tzinfo=UTC)
SINCE = END - timedelta(days=30)


def test_pnl_from_a_year_before_is_carried_into_the_span_not_plotted_there():
    daily = [(date(2025, 11, 15), "kalshi", Decimal("0.42")),
             (date(2026, 11, 20), "hyperliquid", Decimal("-400"))]  # fmt: skip
    total = cumulative(daily, END.date())["total"]
    assert pnl_points(total, SINCE) == [
        (datetime(2026, 11, 20, tzinfo=UTC), Decimal("0.42")),  # carried to the day before
        (datetime(2026, 11, 21, tzinfo=UTC), Decimal("-399.58")),  # end of 2026-11-20
    ]


def test_equity_is_kept_per_account_within_the_span_only():
    rows = [
        (SINCE - timedelta(hours=2), "kalshi", "k", Decimal(1)),  # before the span
        (END - timedelta(hours=2), "hyperliquid", "0x" + "ab" * 20, Decimal("25000.5")),
        (END - timedelta(hours=1), "hyperliquid", "0x" + "ab" * 20, Decimal("25010")),
        (END, "kalshi", "k", Decimal(2)),  # ends after the window
    ]
    assert equity_series(rows, SINCE, END) == {
        "hyperliquid 0xababab…abab": [
            (END - timedelta(hours=1), Decimal("25000.5")),
            (END, Decimal("25010")),
        ]
    }


def test_render_without_data_is_still_a_png():
    png = render([], END - timedelta(hours=4), END)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
