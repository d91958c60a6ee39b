"""Real `dbt build` of int_orders__hyperliquid and core.orders (which unions it) on the recorded
own fills and historicalOrders answer."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import sync_fills, sync_orders
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import OWN

SELECT = "+int_orders__hyperliquid +orders"


def test_int_orders__hyperliquid_and_core_orders(hl_ctx, db_url, tmp_path):
    sync_fills(hl_ctx())
    sync_orders(hl_ctx())
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select order_id, market_id, instrument, status, quantity, filled_quantity, "
            "avg_fill_price, fees, fee_currency, terminal_at, updated_at, account "
            "from core.orders where venue = 'hyperliquid' order by order_id"
        ).fetchall()
    assert len(rows) == 11 and {r[11] for r in rows} == {OWN}
    by_id = {r[0]: r for r in rows}
    spot = by_id["310000012350"]  # @107 bought 25 at 38.215, fee 0.0175 HYPE
    assert spot[1:9] == (
        "@107", "HYPE/USDC", "filled", Decimal("25.0"), Decimal("25.0"), Decimal("38.215"),
        Decimal("0.0175"), "HYPE",
    )  # fmt: skip
    assert spot[9] == spot[10]  # terminal at its statusTimestamp
    canceled, still_open = by_id["310000012360"], by_id["310000012361"]
    assert canceled[3:7] == ("canceled", Decimal("0.05"), Decimal("0.03"), None)
    assert canceled[9] == canceled[10]
    assert still_open[3:6] == ("resting", Decimal("0.5"), Decimal("0.0")) and still_open[9] is None
