"""Real `dbt build` of core.candles and marts.market_states on the recorded demo candles (unit
tests of the models run in the same build)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import sync_candles
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import FIXTURES

SELECT = "+market_states"
CONFIG = {"sync_start": "2025-11-01T00:00:00Z",
          "markets": {"hyperliquid": {"coins": ["BTC", "ETH"]}}}  # fmt: skip
PANIC_OPEN = datetime(2026, 11, 20, 14, tzinfo=UTC)


def _recorded(coin: str) -> dict[datetime, dict]:
    path = FIXTURES / "hyperliquid" / f"candle_snapshot_{coin.lower()}.json"
    body = json.loads(path.read_text())["response"]["body"]
    return {datetime.fromtimestamp(c["t"] / 1000, UTC): c for c in body}


def test_candles_and_market_states_from_the_recorded_candles(hl_ctx, db_url, tmp_path):
    ctx = hl_ctx(CONFIG)
    sync_candles(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    btc = _recorded("BTC")
    with psycopg.connect(db_url) as conn:
        candles = conn.execute(
            "select instrument, count(*), count(*) filter (where not is_closed) "
            "from core.candles group by instrument order by instrument"
        ).fetchall()
        panic = conn.execute(
            "select open, high, low, close, volume, volume_usd from core.candles "
            "where instrument = 'BTC' and open_time = %s",
            (PANIC_OPEN,),
        ).fetchone()
        states = dict(
            conn.execute(
                "select state, count(*) from marts.market_states where instrument = 'BTC' "
                "group by state"
            ).fetchall()
        )
        panic_state = conn.execute(
            "select state, previous_state, state_duration_seconds, spread_bps "
            "from marts.market_states where instrument = 'BTC' and detected_at = %s",
            (PANIC_OPEN + timedelta(hours=1),),
        ).fetchone()
        volatile = conn.execute(
            "select min(detected_at), max(detected_at), count(*) from marts.market_states "
            "where state = 'VOLATILE'"
        ).fetchone()
        eth_dead = conn.execute(
            "select state from marts.market_states where instrument = 'ETH' and detected_at = %s",
            (datetime(2026, 11, 23, tzinfo=UTC),),
        ).fetchone()
        first_median = conn.execute(
            "select min(detected_at) from marts.market_states where liquidity_score is not null"
        ).fetchone()
    # 1285 candles a coin; the one opening at the sync's clock is still open
    assert candles == [("BTC", 1285, 1), ("ETH", 1285, 1)]
    raw = btc[PANIC_OPEN]
    h, lo, c, v = (Decimal(raw[k]) for k in "hlcv")
    assert panic == (Decimal(raw["o"]), h, lo, c, v, round(v * (h + lo + c) / 3, 8))
    # the PANIC hour, by hand: its close is 7 % below the previous hour's close
    previous_close = Decimal(btc[PANIC_OPEN - timedelta(hours=1)]["c"])
    assert c <= previous_close * Decimal("0.95")
    assert panic_state == ("PANIC", "NORMAL", 3600, None)
    assert states["PANIC"] == 1  # the random walk never drops 5 % elsewhere
    assert sum(states.values()) == 1284  # closed candles only
    # the 12 wide hours after it lift ATR(14) to twice its 30-day median: VOLATILE (the PANIC
    # hour itself is PANIC, the earlier rule, although its true range is the widest)
    first, last, count = volatile
    assert PANIC_OPEN + timedelta(hours=2) <= first and last <= PANIC_OPEN + timedelta(days=1)
    assert count >= 6
    # ETH trades a tenth of its usual volume all of 2026-11-22: DEAD by its close
    assert eth_dead == ("DEAD",)
    # medians (and so liquidity) exist once 30 days of candles do: from 2026-10-31 00:00 + 1h
    assert first_median == (datetime(2026, 10, 31, 1, tzinfo=UTC),)
