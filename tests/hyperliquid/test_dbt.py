"""Real `dbt build` of the Hyperliquid models and the core relations they feed."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import sync_fills, sync_wallet_fills
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import OWN, WHALE

SELECT = "+int_fills__hyperliquid +int_wallet_events__hyperliquid +fills +wallet_events"


def test_core_relations_from_hyperliquid(hl_ctx, db_url, tmp_path):
    ctx = hl_ctx()
    sync_fills(ctx)
    sync_wallet_fills(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        fills = conn.execute(
            "select fill_id, market_id, instrument, instrument_raw, side, price, quantity, "
            "quantity_unit, notional, fee, fee_currency, is_taker, realized_pnl "
            "from core.fills where venue = 'hyperliquid' and account = %s order by executed_at",
            (OWN,),
        ).fetchall()
        events = conn.execute(
            "select count(*), count(distinct event_id), sum(amount_usd), "
            "count(*) filter (where asset_symbol = 'HYPE/USDC'), count(tx_hash) "
            "from core.wallet_events where source = 'hyperliquid' and wallet = %s",
            (WHALE,),
        ).fetchone()
    assert len(fills) == 12
    assert all(f[8] == f[5] * f[6] and f[7] == "base" for f in fills)
    spot = fills[4]
    assert spot[1:5] == ("@107", "HYPE/USDC", "@107", "buy") and spot[10] == "HYPE"
    builder = fills[3]  # fee already includes the builder fee: taken once
    assert (builder[9], builder[12]) == (Decimal("2.516332"), Decimal("105.45"))
    assert fills[1][9] == Decimal("-0.093612") and fills[1][11] is False
    assert all(len(f[0]) == 16 and int(f[0]) > 2**53 for f in fills)
    count, distinct, volume, spot_events, hashes = events
    assert count == distinct == 2005
    assert spot_events == 2 and hashes == 2005
    assert volume > 0
