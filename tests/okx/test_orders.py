"""Own OKX orders (issue 15): paging by ordId, the state mapping, a changed state under an
unchanged uTime as a new version, and the recorded answers (tests/fixtures/okx/orders_*.json)
loading without schema drift — against the verifying fake / the replay and a real PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion.okx.account import sync_orders
from ingestion.okx.models import Order
from ingestion.okx.normalize import order_row
from tests.okx.conftest import CONFIG, NOW, UID
from tests.okx.make_order_fixtures import order


def ms(at: datetime) -> str:
    return str(int(at.timestamp() * 1000))


def spot_order(n: int, **over) -> dict:
    at = NOW - timedelta(days=2, minutes=n)
    base = dict(
        instType="SPOT", instId="BTC-USDT", ordId=str(9500000000000000000 + n),
        clOrdId=f"c{n}", side="buy", ordType="limit", px="90000.5", sz="0.01",
        accFillSz="0.01", avgPx="90000.5", state="filled", feeCcy="BTC", fee="-0.00001",
        cTime=ms(at), uTime=ms(at + timedelta(seconds=30)),
    )  # fmt: skip
    return order(**{**base, **over})


def stored(db_url: str) -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select order_id, status, status_raw, filled_quantity, remaining_quantity, "
            "venue_updated_at from ledger.okx_order_observations order by order_id, observed_at"
        ).fetchall()


@pytest.fixture
def orders_ctx(sync_context, fake, monkeypatch):
    clock = [NOW]

    def make():
        from tests.okx.conftest import ENV

        ctx = sync_context(CONFIG, env=ENV, now=lambda: clock[0])
        transport = fake.transport()
        monkeypatch.setattr(ctx, "transport", lambda source: transport)
        return ctx

    make.clock = clock
    return make


def test_pages_backwards_by_the_oldest_ord_id_of_a_full_page(orders_ctx, fake, db_url):
    fake.orders = [spot_order(n) for n in range(1, 251)]
    result = sync_orders(orders_ctx())
    assert (result.inserted, result.quarantined, result.conflicts) == (250, 0, 0)
    spot = [
        r for r in fake.requests
        if r.url.path.startswith("/api/v5/trade/orders") and r.url.params["instType"] == "SPOT"
    ]  # fmt: skip
    # first run: archive (from sync_start) then the 7-day endpoint, 100 + 100 + 50 each
    assert [(r.url.path.rsplit("/", 1)[1], r.url.params.get("after")) for r in spot] == [
        ("orders-history-archive", None),
        ("orders-history-archive", "9500000000000000151"),
        ("orders-history-archive", "9500000000000000051"),
        ("orders-history", None),
        ("orders-history", "9500000000000000151"),
        ("orders-history", "9500000000000000051"),
    ]
    assert {r.url.params["limit"] for r in spot} == {"100"}
    assert len(stored(db_url)) == 250
    # the next run reads the 7-day endpoint only (its cursor is recent): nothing changed
    fake.requests.clear()
    orders_ctx.clock[0] = NOW + timedelta(minutes=5)
    again = sync_orders(orders_ctx())
    assert again.inserted == 0
    paths = {r.url.path for r in fake.requests if "/trade/" in r.url.path}
    assert paths == {"/api/v5/trade/orders-history"}


def test_a_changed_state_under_the_same_utime_is_a_new_version(orders_ctx, fake, db_url):
    fake.orders = [spot_order(1, state="live", accFillSz="0", avgPx="", fee="0")]
    assert sync_orders(orders_ctx()).inserted == 1
    orders_ctx.clock[0] = NOW + timedelta(minutes=5)
    assert sync_orders(orders_ctx()).inserted == 0  # unchanged: nothing
    # canceled, OKX's uTime not moved: still a new row
    fake.orders = [spot_order(1, state="canceled", accFillSz="0", avgPx="", fee="0")]
    orders_ctx.clock[0] = NOW + timedelta(minutes=10)
    assert sync_orders(orders_ctx()).inserted == 1
    u_time = NOW - timedelta(days=2, minutes=1) + timedelta(seconds=30)
    assert stored(db_url) == [
        ("9500000000000000001", "resting", "live", Decimal("0"), Decimal("0.01"), u_time),
        ("9500000000000000001", "canceled", "canceled", Decimal("0"), Decimal("0"), u_time),
    ]


@pytest.mark.parametrize(
    ("state", "filled", "status", "remaining"),
    [
        ("live", "0", "resting", Decimal("0.01")),
        ("live", "0.004", "partial", Decimal("0.006")),
        ("partially_filled", "0.004", "partial", Decimal("0.006")),
        ("filled", "0.01", "filled", Decimal("0")),
        ("canceled", "0.004", "canceled", Decimal("0")),
        ("mmp_canceled", "0", "canceled", Decimal("0")),
    ],
)
def test_state_maps_to_the_contract_status(state, filled, status, remaining):
    row = order_row(Order.model_validate(spot_order(1, state=state, accFillSz=filled)), UID, NOW)
    assert (row["status"], row["status_raw"], row["remaining_quantity"]) == (
        status, state, remaining,
    )  # fmt: skip
    assert row["fee"] == Decimal("0.00001") and row["fee_raw"] == Decimal("-0.00001")


def test_unknown_state_or_overfill_is_quarantined(orders_ctx, fake, db_url):
    fake.orders = [
        spot_order(1, state="paused"),
        spot_order(2, accFillSz="0.02"),
        spot_order(3),
    ]
    result = sync_orders(orders_ctx())
    # read from the archive and again from the 7-day endpoint: quarantined from each page
    assert (result.inserted, result.quarantined) == (1, 4)
    assert [r[0] for r in stored(db_url)] == ["9500000000000000003"]


def test_recorded_orders_load_without_drift(okx_ctx, db_url):
    result = sync_orders(okx_ctx())
    # 103 SPOT + 6 SWAP orders from the archive; the 7-day answers repeat 52 of them: no-ops
    assert (result.inserted, result.quarantined, result.conflicts) == (109, 0, 0)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select stream, field, change from ops.schema_drift").fetchall() == []
        rows = conn.execute(
            "select client_order_id, inst_id, order_type, status, status_raw, price, quantity, "
            "quantity_unit, filled_quantity, remaining_quantity, fee, category "
            "from ledger.okx_order_observations where status <> 'filled' or inst_type = 'SWAP' "
            "order by order_id"
        ).fetchall()
        statuses = dict(
            conn.execute(
                "select status, count(*) from ledger.okx_order_observations group by 1"
            ).fetchall()
        )
    assert statuses == {"filled": 107, "partial": 1, "canceled": 1}
    by_id = {r[0] or r[1] + r[2]: r[1:] for r in rows}
    # the newest SPOT order: one fill of 0.00199380 of 0.00398760
    assert by_id["tl0103"][2:9] == (
        "partial", "partially_filled", Decimal("91424.2"), Decimal("0.00398760"), "base",
        Decimal("0.00199380"), Decimal("0.00199380"),
    )  # fmt: skip
    assert by_id["tlcancel1"][2:10] == (
        "canceled", "canceled", Decimal("2900.5"), Decimal("7"), "contracts", Decimal("0"),
        Decimal("0"), Decimal("0"),
    )  # fmt: skip
    swap = [r for r in rows if r[1].endswith("SWAP")]
    # the position flip: one order of two bills, 10 + 15 contracts, fees 4.675025 + 7.0125375
    flip = [r for r in swap if r[1] == "BTC-USDT-SWAP" and r[5] == Decimal("93500.5")]
    assert [r[6] for r in flip] == [Decimal("25")]
    assert len(flip) == 1 and flip[0][10] == Decimal("11.6875625")
    # the liquidation: a market order (no limit price), category full_liquidation
    liq = [r for r in swap if r[11] == "full_liquidation"]
    assert [(r[2], r[5]) for r in liq] == [("market", None)]
