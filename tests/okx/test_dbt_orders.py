"""Real `dbt build` of int_orders__okx and core.orders (which unions it) on the recorded orders
(tests/fixtures/okx/orders_*.json) and instruments; the model's unit test runs with it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.okx.account import sync_orders
from ingestion.okx.sync import sync_instruments
from tests.dbt_runner import dbt_build
from tests.okx.conftest import UID

SELECT = "+int_orders__okx +orders"


def test_int_orders__okx_and_core_orders_from_the_fixtures(okx_ctx, db_url, tmp_path):
    sync_orders(okx_ctx())
    sync_instruments(okx_ctx())
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select client_order_id, market_id, order_type, price, quantity, filled_quantity, "
            "remaining_quantity, avg_fill_price, status, status_raw, fees, terminal_at, account "
            "from core.orders where venue = 'okx' order by order_id"
        ).fetchall()
    assert len(rows) == 109 and {r[12] for r in rows} == {UID}
    statuses = {}
    for r in rows:
        statuses[r[8]] = statuses.get(r[8], 0) + 1
    assert statuses == {"filled": 107, "partial": 1, "canceled": 1}
    by_client = {r[0]: r for r in rows if r[0]}
    partial = by_client["tl0103"]
    assert partial[4:10] == (
        Decimal("0.00398760"), Decimal("0.00199380"), Decimal("0.00199380"), Decimal("91424.2"),
        "partial", "partially_filled",
    )  # fmt: skip
    assert partial[11] is None  # still open
    # canceled ETH-USDT-SWAP limit: 7 contracts x ctVal 0.1 = 0.7 ETH, terminal at its uTime
    canceled = by_client["tlcancel1"]
    assert canceled[4:9] == (Decimal("0.7"), Decimal("0"), Decimal("0"), None, "canceled")
    assert canceled[11] == datetime(2026, 11, 21, 9, 5, tzinfo=UTC)
    # the position flip: 10 + 15 BTC-USDT-SWAP contracts x ctVal 0.01 = 0.25 BTC
    flip = [r for r in rows if r[1] == "BTC-USDT-SWAP" and r[3] == Decimal("93500.5")]
    assert [(r[4], r[5], r[10]) for r in flip] == [
        (Decimal("0.25"), Decimal("0.25"), Decimal("11.6875625"))
    ]
    # SPOT quantities as sent (base): every filled SPOT order is its one fill
    spot = [r for r in rows if r[1] == "BTC-USDT" and r[8] == "filled"]
    assert len(spot) == 102 and all(r[4] == r[5] and r[6] == 0 for r in spot)
