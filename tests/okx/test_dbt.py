"""Real `dbt build` of the OKX models (and core.fills, which unions them) on synced fixtures."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.okx.sync import sync_fills, sync_instruments
from tests.dbt_runner import dbt_build
from tests.okx.conftest import UID

# cautious: only tests whose every parent is built here (marts' relationship tests are not ours)
SELECT = "+int_fills__okx +fills"


def test_int_fills__okx_and_core_fills_from_the_fixtures(okx_ctx, db_url, tmp_path):
    sync_fills(okx_ctx())
    sync_instruments(okx_ctx())
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select fill_id, market_id, side, price, quantity, quantity_unit, notional, fee, "
            "fee_currency, is_taker, realized_pnl, account from intermediate.int_fills__okx "
            "order by fill_id"
        ).fetchall()
    assert len(rows) == 109 and {r[11] for r in rows} == {UID}
    by_id = {r[0]: r for r in rows}
    spot = [r for r in rows if r[1] == "BTC-USDT"]
    assert all(r[6] == r[3] * r[4] and r[5] == "base" and r[7] > 0 for r in spot)
    rebate = by_id["9300000000007926919"]
    assert rebate[1:3] == ("BTC-USDT-SWAP", "buy") and rebate[5] == "contracts"
    assert rebate[6] == Decimal("10") * Decimal("0.01") * Decimal("92000.1")  # 9200.01 USDT
    assert rebate[7] == Decimal("-0.04600005") and rebate[9] is False
    eth_close = by_id["9300000000007942757"]
    assert eth_close[6] == Decimal("25") * Decimal("0.1") * Decimal("3050.10")
    assert eth_close[10] == Decimal("138.3")
    liquidation = by_id["9300000000007966514"]
    assert liquidation[9] is None and liquidation[10] == Decimal("-652.425")
    assert all(len(r[0]) == 19 for r in rows)
    # core.fills unions it under the contract's types
    with psycopg.connect(db_url) as conn:
        count, contracts, total_fee, pnl, null_notional = conn.execute(
            "select count(*), count(*) filter (where quantity_unit = 'contracts'), sum(fee), "
            "sum(realized_pnl), count(*) filter (where notional is null) "
            "from core.fills where venue = 'okx'"
        ).fetchone()
    assert (count, contracts, null_notional) == (109, 6, 0)
    assert pnl == Decimal("138.3") + Decimal("150.004") - Decimal("652.425")
    assert total_fee > 0  # charges outweigh the one rebate
