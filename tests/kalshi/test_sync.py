"""Every stream end to end against the verifying fake and a real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.kalshi.sync import (
    sync_balance,
    sync_fills,
    sync_markets,
    sync_positions,
    sync_settlements,
)

STREAMS = (sync_markets, sync_fills, sync_settlements, sync_positions, sync_balance)
TABLES = (
    "kalshi_market_observations",
    "kalshi_fills",
    "kalshi_settlements",
    "kalshi_position_observations",
    "kalshi_balance_observations",
)


def counts(db_url: str) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        return {t: conn.execute(f"select count(*) from ledger.{t}").fetchone()[0] for t in TABLES}


def test_full_sync_then_second_sync_adds_nothing(kalshi_ctx, fake, db_url):
    ctx = kalshi_ctx()
    results = [fn(ctx) for fn in STREAMS]
    assert not fake.rejected
    first = counts(db_url)
    assert first == {
        "kalshi_market_observations": 8,  # 2 historical + 6 live, the 1.25-priced one quarantined
        "kalshi_fills": 6,  # 2 historical + 4 live, the price-less one quarantined
        "kalshi_settlements": 3,
        "kalshi_position_observations": 2,
        "kalshi_balance_observations": 1,
    }
    assert [r.quarantined for r in results] == [1, 1, 0, 0, 0]
    again = [fn(kalshi_ctx()) for fn in STREAMS]
    assert counts(db_url) == first
    assert sum(r.inserted for r in again) == 0


def test_history_and_paging_requests(kalshi_ctx, fake):
    ctx = kalshi_ctx()
    sync_markets(ctx)
    sync_fills(ctx)
    paths = [(r.url.path, r.url.params.get("cursor")) for r in fake.requests]
    assert ("/trade-api/v2/historical/markets", None) in paths
    assert ("/trade-api/v2/historical/fills", None) in paths
    live = [c for p, c in paths if p == "/trade-api/v2/markets"]
    assert live == [
        None,
        "CgsIxpWJyQYQ6M2dMhIBNQ",
        "CgsI9KqMyQYQoJ3kPhIBNg",
        "CgsIgLiNyQYQ8MHaQRIBNw",
    ]
    fills = [r for r in fake.requests if r.url.path == "/trade-api/v2/historical/fills"]
    assert fills[0].url.params["min_ts"] == "1761955200"  # sync_start 2025-11-01T00:00:00Z


def test_quarantine_keeps_reason_and_page(kalshi_ctx, db_url):
    ctx = kalshi_ctx()
    sync_markets(ctx)
    sync_fills(ctx)
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select stream, reason, payload->>'ticker', page_id is not null "
            "from ops.quarantine where source = 'kalshi' order by stream"
        ).fetchall()
        landed = conn.execute("select count(*) from raw.pages where source = 'kalshi'").fetchone()
    assert rows == [
        ("fills", "ValueError: missing price: yes_price_dollars is absent",
         "KXNFLGAME-26NOV26KCDAL-KC", True),
        ("markets", "ValueError: yes_bid_dollars 1.2500 is outside [0, 1] dollars",
         "KXNFLGAME-26NOV15KCDEN-TIE", True),
    ]  # fmt: skip
    assert landed[0] >= 9


def test_fills_are_the_outcome_traded_at_its_price(kalshi_ctx, db_url):
    sync_fills(kalshi_ctx())
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select right(fill_id, 1), right(ticker, 3), side, outcome, price::text, "
            "quantity::text, fee::text from ledger.kalshi_fills order by fill_id"
        ).fetchall()
    assert rows == [
        ("1", "BUF", "buy", "yes", "0.5600", "10.00", "0.180000"),
        ("2", "-KC", "buy", "no", "0.3800", "2.50", "0.000000"),  # only outcome_side=no
        ("3", "-KC", "buy", "yes", "0.4850", "5.00", "0.090000"),
        ("4", "-KC", "sell", "yes", "0.7100", "2.00", "0.030000"),
        ("5", "PHI", "buy", "yes", "0.5325", "15.00", "0.262500"),
        ("6", "DAL", "buy", "no", "0.4500", "4.00", "0.000000"),
    ]


def test_missing_key_skips_portfolio_but_markets_sync(kalshi_ctx, db_url):
    from ingestion.sync import run_stream

    ctx = kalshi_ctx(env_override={})
    skipped = run_stream(ctx, "kalshi", "fills", sync_fills)
    assert skipped.skipped and "KALSHI_API_KEY_ID" in skipped.skipped
    assert run_stream(ctx, "kalshi", "balance", sync_balance).skipped
    assert run_stream(ctx, "kalshi", "markets", sync_markets).inserted == 8


def test_position_missing_from_snapshot_is_closed(kalshi_ctx, db_url):
    sync_positions(kalshi_ctx())
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into ledger.kalshi_position_observations (account, ticker, outcome, quantity, "
            "observed_at, record_hash) values (%s, 'KXNFLGAME-26NOV15KCDEN-KC', 'yes', 3, "
            "'2026-11-15T00:00:00Z', 'x')",
            ("kalshi",),  # the default accounts.kalshi.account
        )
    sync_positions(kalshi_ctx())
    with psycopg.connect(db_url) as conn:
        latest = conn.execute(
            "select distinct on (ticker, outcome) ticker, outcome, quantity "
            "from ledger.kalshi_position_observations order by ticker, outcome, observed_at desc"
        ).fetchall()
    assert latest == [
        ("KXNFLGAME-26NOV15KCDEN-KC", "yes", Decimal("0")),
        ("KXNFLGAME-26NOV22PHILAR-PHI", "yes", Decimal("15.00")),
        ("KXNFLGAME-26NOV26KCDAL-DAL", "no", Decimal("4.00")),
    ]


def test_fill_cursor_resumes_after_the_newest_fill_without_history(kalshi_ctx, fake, db_url):
    sync_fills(kalshi_ctx())
    with psycopg.connect(db_url) as conn:
        (cursor,) = conn.execute(
            "select value from ops.cursors where source = 'kalshi' and stream = 'fills'"
        ).fetchone()
    assert cursor == "2026-11-21T18:00:00+00:00"  # newest valid fill
    fake.requests.clear()
    sync_fills(kalshi_ctx())
    paths = [r.url.path for r in fake.requests]
    assert "/trade-api/v2/historical/fills" not in paths  # past the cutoff now
    live = next(r for r in fake.requests if r.url.path == "/trade-api/v2/portfolio/fills")
    assert live.url.params["min_ts"] == "1795283400"  # cursor minus the 10-minute overlap
