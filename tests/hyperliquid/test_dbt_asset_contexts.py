"""Real `dbt build` over the recorded candles and asset contexts (metaAndAssetCtxs at the demo
clock, 2026-11-23 12:00 UTC): the Hyperliquid spread by hand, in int_ticker_spreads__hyperliquid
and in marts.market_states at the candle whose hour the context was read in; and the position
mark falling back to the context's markPx where the venue sent no positionValue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.asset_contexts import sync_asset_contexts
from ingestion.hyperliquid.sync import sync_candles, sync_positions
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import CONFIG, NOW, OWN
from tests.hyperliquid.fake_api import FakeHyperliquid, clearinghouse, make_position

SELECT = "+market_states +positions"
MARKETS = {**CONFIG, "markets": {"hyperliquid": {"coins": ["BTC", "ETH"]}}}
# by hand from tests/fixtures/hyperliquid/meta_and_asset_ctxs.json (impactPxs):
BTC_BPS = Decimal("0.5964")  # (100604 - 100598) / 100601 x 10000 = 0.59641...
ETH_BPS = Decimal("1.2944")  # (3862.9 - 3862.4) / 3862.65 x 10000 = 1.29444...


def test_spreads_reach_market_states_and_the_mark_falls_back(hl_ctx, db_url, tmp_path):
    ctx = hl_ctx(MARKETS)
    sync_candles(ctx)
    assert sync_asset_contexts(ctx).inserted == 2  # BTC, ETH (SOL, HPOS not configured)
    # a later answer without positionValue for ETH: its mark comes from the context (3862.7)
    eth = make_position("ETH", "-0.4", positionValue=None, entryPx="3850.0")
    fake = FakeHyperliquid(states={OWN: clearinghouse("15000", assetPositions=[eth])})
    ctx.transport = lambda source: fake.transport()
    ctx.now = lambda: NOW + timedelta(minutes=1)
    sync_positions(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        spreads = conn.execute(
            "select instrument, quoted_at, bid_price, ask_price, mid_price, spread_bps, "
            "mark_price from intermediate.int_ticker_spreads__hyperliquid order by instrument"
        ).fetchall()
        states = conn.execute(
            "select instrument, detected_at, spread_bps from marts.market_states "
            "where venue = 'hyperliquid' and detected_at in (%s, %s) order by 1, 2",
            (NOW - timedelta(hours=1), NOW),
        ).fetchall()
        mark = conn.execute(
            "select market_id, outcome, mark_price from core.positions where venue = 'hyperliquid'"
        ).fetchall()
    assert spreads == [
        ("BTC", NOW, Decimal("100598.0"), Decimal("100604.0"), Decimal("100601"), BTC_BPS,
         Decimal("100601.0")),
        ("ETH", NOW, Decimal("3862.4"), Decimal("3862.9"), Decimal("3862.65"), ETH_BPS,
         Decimal("3862.7")),
    ]  # fmt: skip
    # read at 12:00: the spread of the candle 11:00-12:00 (detected 12:00), none the hour before
    assert states == [
        ("BTC", NOW - timedelta(hours=1), None),
        ("BTC", NOW, BTC_BPS),
        ("ETH", NOW - timedelta(hours=1), None),
        ("ETH", NOW, ETH_BPS),
    ]
    assert mark == [("ETH", "short", Decimal("3862.7"))]
