"""Candles and tickers against the verifying fake (real httpx) and a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion.okx.market import sync_candles, sync_tickers
from tests.okx.conftest import CONFIG, ENV, NOW
from tests.okx.fake_api import FakeOkx

HOUR = timedelta(hours=1)
CANDLES_PATH, HISTORY_PATH = "/api/v5/market/candles", "/api/v5/market/history-candles"
MARKETS = {**CONFIG, "markets": {"okx": {"instruments": ["BTC-USDT"]}}}


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def candle(at: datetime, *, close="100", confirm="1", high="101", low="99", vol="2") -> list[str]:
    return [str(ms(at)), "100", high, low, close, vol, "200", "200", confirm]


def hours(first: datetime, n: int, **kw) -> list[list[str]]:
    return [candle(first + i * HOUR, **kw) for i in range(n)]


@pytest.fixture
def market_ctx(sync_context, fake: FakeOkx, monkeypatch):
    """A SyncContext on the fake with a clock the test moves (`clock[0]`)."""
    clock = [NOW]

    def make(config=MARKETS):
        ctx = sync_context(config, env=ENV, now=lambda: clock[0])
        transport = fake.transport()
        monkeypatch.setattr(ctx, "transport", lambda source: transport)
        return ctx

    make.clock = clock
    return make


def stored(db_url: str, inst_id: str = "BTC-USDT") -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select open_time, close, volume, is_closed from ledger.okx_candles "
            "where inst_id = %s order by open_time, observed_at",
            (inst_id,),
        ).fetchall()


def asked(fake: FakeOkx, path: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [
        (r.url.path, r.url.params.get("limit"), r.url.params.get("after"))
        for r in fake.requests
        if "candles" in r.url.path and (path is None or r.url.path == path)
    ]


def test_pages_across_both_caps_without_gap_or_duplicate(market_ctx, fake, db_url):
    """1,000 hours up to the open one: /candles keeps the latest 700 (pages of 300), history
    serves the rest (pages of 100). Every hour from sync_start's hour loaded exactly once."""
    start = NOW - 999 * HOUR  # 2026-10-12 21:00
    series = [*hours(start, 999), candle(NOW, confirm="0")]
    fake.candles["BTC-USDT"] = series
    fake.recent_keep = 700
    config = {**MARKETS, "sync_start": "2026-10-12T21:30:00Z"}  # floored to 21:00
    result = sync_candles(market_ctx(config))
    rows = stored(db_url)
    assert len(rows) == 1000 == result.inserted
    assert [r[0] for r in rows] == [start + i * HOUR for i in range(1000)]  # no gap, no dup
    requests = asked(fake)
    # 300 + 300 + 100 from /candles (its 700), one empty answer past its keep, then history
    assert [(p, lim) for p, lim, _ in requests[:4]] == [(CANDLES_PATH, "300")] * 4
    assert requests[0][2] is None
    assert requests[1][2] == str(ms(NOW - 299 * HOUR))  # the oldest open time of page 1
    assert all(p == HISTORY_PATH and lim == "100" for p, lim, _ in requests[4:])
    assert requests[4][2] == requests[3][2]  # history picks up exactly where /candles stopped
    assert len(requests) == 4 + 3  # 300 older hours: 100 + 100 + 100, the last reaches start
    assert rows[-1][3] is False and all(r[3] for r in rows[:-1])  # the open hour is a version
    with psycopg.connect(db_url) as conn:
        (cursor,) = conn.execute(
            "select value from ops.cursors where source = 'okx' and stream = 'candles'"
        ).fetchone()
    assert int(cursor) == ms(NOW)  # the first hour not yet seen closed


def test_empty_page_in_the_middle_is_not_the_end(market_ctx, fake, db_url):
    """A venue that searches 100 hours below `after` answers an empty page inside a 150-hour gap
    of its data: the walk goes on 100 hours lower and loads everything older."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    gap_lo, gap_hi = datetime(2026, 11, 5, tzinfo=UTC), datetime(2026, 11, 11, 6, tzinfo=UTC)
    series = [
        c
        for c in hours(start, 540)
        if not gap_lo <= datetime.fromtimestamp(int(c[0]) / 1000, UTC) < gap_hi
    ]
    fake.candles["BTC-USDT"] = series
    fake.recent_keep = 100
    fake.search_hours = 100
    config = {**MARKETS, "sync_start": "2026-11-01T00:00:00Z"}
    sync_candles(market_ctx(config))
    times = [r[0] for r in stored(db_url)]
    assert times[0] == start and times[-1] == start + 539 * HOUR
    assert len(times) == 540 - 150 == len(set(times))  # everything but the gap
    after = [int(a) for _, _, a in asked(fake, HISTORY_PATH)]
    # the page asked just below the gap was empty; the next one asked 100 hours lower
    i = after.index(ms(gap_hi))
    assert after[i + 1] == ms(gap_hi) - 100 * 3_600_000


def test_empty_history_before_listing_walks_to_sync_start_then_stops(market_ctx, fake, db_url):
    """The other reading: nothing before the listing (2026-11-20). Empty pages down to
    sync_start, then the end; the listed hours load."""
    listed = datetime(2026, 11, 20, tzinfo=UTC)
    fake.candles["BTC-USDT"] = hours(listed, 84)
    config = {**MARKETS, "sync_start": "2026-11-01T00:00:00Z"}
    result = sync_candles(market_ctx(config))
    assert result.inserted == 84
    history = [int(a) for _, _, a in asked(fake, HISTORY_PATH)]
    # /candles 84 rows, /candles empty, then history from the listing down in 100-hour steps
    assert history[0] == ms(listed)
    assert history == [ms(listed) - i * 100 * 3_600_000 for i in range(len(history))]
    assert history[-1] - 100 * 3_600_000 <= ms(datetime(2026, 11, 1, tzinfo=UTC))


def test_open_candle_is_reversioned_when_it_closes(market_ctx, fake, db_url):
    first = NOW - 3 * HOUR
    fake.candles["BTC-USDT"] = [*hours(first, 3), candle(NOW, close="100.5", confirm="0")]
    make = market_ctx
    config = {**MARKETS, "sync_start": first.isoformat()}
    sync_candles(make(config))
    make.clock[0] = NOW + HOUR + timedelta(minutes=2)
    fake.candles["BTC-USDT"] = [
        *hours(first, 3),
        candle(NOW, close="101", confirm="1"),
        candle(NOW + HOUR, close="101.2", confirm="0"),
    ]
    second = sync_candles(make(config))
    assert second.inserted == 2  # the closed version of 12:00 and the new open hour
    rows = [r for r in stored(db_url) if r[0] >= NOW]
    assert rows == [
        (NOW, Decimal("100.5"), Decimal("2"), False),
        (NOW, Decimal("101"), Decimal("2"), True),
        (NOW + HOUR, Decimal("101.2"), Decimal("2"), False),
    ]
    # the second run only went back to its cursor (12:00): one page
    assert len(asked(fake)) == 2
    third = sync_candles(make(config))
    assert third.inserted == 0


def test_bad_candles_are_quarantined_and_page_mates_load(market_ctx, fake, db_url):
    first = NOW - 5 * HOUR
    good = hours(first, 6)
    good[1] = candle(first + HOUR, high="98", low="99")  # high < low
    good[2] = candle(first + 2 * HOUR, vol="-1")  # negative volume
    good[3] = candle(first + 3 * HOUR, close="0")  # price 0
    fake.candles["BTC-USDT"] = good
    result = sync_candles(market_ctx({**MARKETS, "sync_start": first.isoformat()}))
    assert (result.inserted, result.quarantined) == (3, 3)
    with psycopg.connect(db_url) as conn:
        reasons = [
            r for (r,) in conn.execute(
                "select reason from ops.quarantine where source = 'okx' and stream = 'candles' "
                "order by reason"
            )
        ]  # fmt: skip
    assert any("close price 0 is not positive" in r for r in reasons)
    assert any("high 98 is below low 99" in r for r in reasons)
    assert any("vol -1 is negative" in r for r in reasons)


def test_swap_volume_is_base_currency(market_ctx, fake, db_url):
    """ETH-USDT-SWAP: `vol` counts contracts (ctVal 0.1 ETH), `volCcy` is ETH: volume = volCcy."""
    fake.candles["ETH-USDT-SWAP"] = [
        [str(ms(NOW - HOUR)), "3000", "3010", "2990", "3005", "1500", "150", "450000", "1"]
    ]
    config = {
        **MARKETS,
        "markets": {"okx": {"instruments": ["ETH-USDT-SWAP"]}},
        "sync_start": (NOW - HOUR).isoformat(),
    }
    sync_candles(market_ctx(config))
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select inst_type, vol, vol_ccy, vol_ccy_quote, volume from ledger.okx_candles"
        ).fetchone()
    assert row == ("SWAP", Decimal("1500"), Decimal("150"), Decimal("450000"), Decimal("150"))


def test_tickers_are_observations(market_ctx, fake, db_url):
    fake.tickers["BTC-USDT"] = {
        "instType": "SPOT", "instId": "BTC-USDT", "last": "99950.1", "lastSz": "0.01",
        "askPx": "99950.2", "askSz": "1.2", "bidPx": "99949.9", "bidSz": "0.8",
        "open24h": "99000", "high24h": "100500", "low24h": "98800", "volCcy24h": "250000000",
        "vol24h": "2500", "sodUtc0": "99100", "sodUtc8": "99200", "ts": str(ms(NOW)),
    }  # fmt: skip
    make = market_ctx
    assert sync_tickers(make()).inserted == 1
    fake.tickers["BTC-USDT"] = {**fake.tickers["BTC-USDT"], "ts": str(ms(NOW) + 500)}
    make.clock[0] = NOW + timedelta(minutes=5)
    assert sync_tickers(make()).inserted == 0  # only the venue's clock moved
    fake.tickers["BTC-USDT"] = {**fake.tickers["BTC-USDT"], "bidPx": "99949.5"}
    make.clock[0] = NOW + timedelta(minutes=10)
    assert sync_tickers(make()).inserted == 1
    with psycopg.connect(db_url) as conn:
        bids = conn.execute(
            "select bid_px, ask_px from ledger.okx_ticker_observations order by observed_at"
        ).fetchall()
    assert bids == [
        (Decimal("99949.9"), Decimal("99950.2")),
        (Decimal("99949.5"), Decimal("99950.2")),
    ]
