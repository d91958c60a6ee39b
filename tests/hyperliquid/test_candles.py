"""Hourly candles (info candleSnapshot): the recorded demo candles booked exactly, paging in
windows across the cap with no gap and no duplicate, an empty window in the middle not taken as
the end, the still-open hour kept as a version that closes later, bad candles quarantined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ingestion.errors import SourceSkipped
from ingestion.hyperliquid.sync import sync_candles
from tests.hyperliquid.conftest import NOW
from tests.hyperliquid.fake_api import FakeHyperliquid, make_candle

HOUR = 3_600_000
T0 = int(datetime(2026, 11, 23, tzinfo=UTC).timestamp() * 1000)  # a midnight
CONFIG = {"sync_start": "2026-11-23T00:00:00Z", "markets": {"hyperliquid": {"coins": ["BTC"]}}}


def _rows(ctx, coin="BTC") -> list[tuple]:
    with ctx.connect() as conn:
        return conn.execute(
            "select open_time, open, high, low, close, volume, trades, is_closed, observed_at "
            "from ledger.hyperliquid_candles where coin = %s order by open_time, observed_at",
            (coin,),
        ).fetchall()


def _fake_ctx(hl_ctx, fake, clock, config=CONFIG):
    ctx = hl_ctx(config)
    ctx.now = lambda: clock[0]
    ctx.transport = lambda source: fake.transport()
    return ctx


def test_the_recorded_demo_candles_are_booked_exactly(hl_ctx):
    ctx = hl_ctx({"sync_start": "2025-11-01T00:00:00Z",
                  "markets": {"hyperliquid": {"coins": ["BTC", "ETH"]}}})  # fmt: skip
    result = sync_candles(ctx)
    # 2026-10-01 00:00 .. 2026-11-23 12:00 = 53 days x 24 + 13 hours, per coin
    assert (result.inserted, result.quarantined, result.conflicts) == (2 * 1285, 0, 0)
    rows = _rows(ctx)
    first, last = rows[0], rows[-1]
    prices = ("95000", "95529", "94968", "95497", "142.680")
    assert first[0] == datetime(2026, 10, 1, tzinfo=UTC)
    assert first[1:8] == (*map(Decimal, prices), 2462, True)
    # the last candle opens at the clock (12:00): still open
    assert (last[0], last[7], last[8]) == (NOW, False, NOW)
    assert sum(1 for r in rows if not r[7]) == 1
    with ctx.connect() as conn:
        cursor = conn.execute(
            "select value from ops.cursors where source = 'hyperliquid' and stream = 'candles' "
            "and scope = 'BTC'"
        ).fetchone()[0]
    assert int(cursor) == int(NOW.timestamp() * 1000)  # the open hour is read again next run
    again = sync_candles(ctx)  # from the cursor the recordings hold nothing new
    assert (again.inserted, again.conflicts) == (0, 0)


def test_windows_page_across_the_cap_without_gap_or_duplicate_and_past_an_empty_window(hl_ctx):
    # cap 3 candles per answer -> windows of 3 hours; hours 3..5 hold nothing (a halt), so the
    # second window answers [] and the walk must go on to hours 6..8
    hours = [0, 1, 2, 6, 7, 8, 9]
    fake = FakeHyperliquid(candles={"BTC": [make_candle(T0 + h * HOUR) for h in hours]},
                           candle_cap=3)  # fmt: skip
    clock = [datetime(2026, 11, 23, 10, 30, tzinfo=UTC)]
    ctx = _fake_ctx(hl_ctx, fake, clock)
    result = sync_candles(ctx, candle_cap=3)
    got = [r[0] for r in _rows(ctx)]
    assert got == [datetime.fromtimestamp((T0 + h * HOUR) / 1000, UTC) for h in hours]
    assert result.inserted == 7
    windows = [(b["req"]["startTime"], b["req"]["endTime"]) for b in fake.bodies]
    # contiguous [start, end] windows of 3 hours, the last one up to the clock
    assert windows == [
        (T0, T0 + 3 * HOUR - 1),
        (T0 + 3 * HOUR, T0 + 6 * HOUR - 1),
        (T0 + 6 * HOUR, T0 + 9 * HOUR - 1),
        (T0 + 9 * HOUR, int(clock[0].timestamp() * 1000)),
    ]


def test_the_open_hour_is_a_version_that_closes_later_and_unchanged_adds_nothing(hl_ctx):
    fake = FakeHyperliquid(candles={"BTC": [make_candle(T0), make_candle(T0 + HOUR, c="101")]})
    at = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # hour 1 is open
    clock = [at]
    ctx = _fake_ctx(hl_ctx, fake, clock)
    assert sync_candles(ctx).inserted == 2

    clock[0] = at + timedelta(minutes=10)  # still open, unchanged: no new version
    second = sync_candles(ctx)
    assert (second.inserted, second.duplicates) == (0, 1)
    # only the open hour was asked again (the cursor sits on it)
    assert fake.bodies[-1]["req"]["startTime"] == T0 + HOUR

    fake.candles["BTC"][1] = make_candle(T0 + HOUR, c="99", l="90")  # it moved and closed
    clock[0] = at + timedelta(hours=1)
    third = sync_candles(ctx)
    assert third.inserted == 1
    hour1 = [(r[3], r[4], r[7], r[8]) for r in _rows(ctx) if r[0].hour == 1]
    assert hour1 == [
        (Decimal("95"), Decimal("101"), False, at),
        (Decimal("90"), Decimal("99"), True, at + timedelta(hours=1)),
    ]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"h": "90", "l": "95"}, "high 90 is below low 95"),
        ({"v": "-1"}, "volume -1 is negative"),
        ({"o": "0"}, "open price 0 is not positive"),
    ],
)
def test_a_bad_candle_is_quarantined_with_its_reason_and_its_page_mates_load(hl_ctx, bad, reason):
    fake = FakeHyperliquid(candles={"BTC": [
        make_candle(T0), make_candle(T0 + HOUR, **bad), make_candle(T0 + 2 * HOUR)]})  # fmt: skip
    ctx = _fake_ctx(hl_ctx, fake, [datetime(2026, 11, 23, 5, tzinfo=UTC)])
    result = sync_candles(ctx)
    assert (result.inserted, result.quarantined) == (2, 1)
    assert [r[0].hour for r in _rows(ctx)] == [0, 2]
    with ctx.connect() as conn:
        (got,) = conn.execute(
            "select reason from ops.quarantine where source = 'hyperliquid' and stream = 'candles'"
        ).fetchone()
    assert reason in got


def test_no_coins_configured_skips(hl_ctx):
    with pytest.raises(SourceSkipped, match=r"markets\.hyperliquid\.coins"):
        sync_candles(hl_ctx({"sync_start": "2026-11-23T00:00:00Z"}))
