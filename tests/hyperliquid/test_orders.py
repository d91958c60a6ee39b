"""Own Hyperliquid orders (issue 15): historicalOrders into ledger.hyperliquid_order_observations
— the recorded answer, the status mapping (both readings of a filled order's `sz`), and a changed
status under an unchanged statusTimestamp as a new version; real PostgreSQL, replayed answers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion.hyperliquid.models import HistoricalOrder
from ingestion.hyperliquid.normalize import order_row
from ingestion.hyperliquid.sync import sync_orders
from tests.hyperliquid.conftest import CONFIG, NOW, OWN
from tests.hyperliquid.make_order_fixtures import DOC, order


def stored(db_url: str) -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select oid, status, status_raw, quantity, filled_quantity, remaining_quantity "
            "from ledger.hyperliquid_order_observations order by oid, observed_at"
        ).fetchall()


def test_recorded_orders_load_without_drift(hl_ctx, db_url):
    result = sync_orders(hl_ctx())
    assert (result.inserted, result.quarantined, result.conflicts) == (11, 0, 0)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select stream, field, change from ops.schema_drift").fetchall() == []
        accounts = conn.execute(
            "select distinct account from ledger.hyperliquid_order_observations"
        ).fetchall()
    assert accounts == [(OWN,)]
    rows = {r[0]: r[1:] for r in stored(db_url)}
    # the nine recorded fills' orders, filled: origSz filled, nothing left
    assert rows["310000012346"] == ("filled", "filled", Decimal("0.12"), Decimal("0.12"), 0)
    # canceled after 0.03 of 0.05 filled; the open ETH order rests unfilled
    assert rows["310000012360"] == (
        "canceled", "canceled", Decimal("0.05"), Decimal("0.03"), Decimal("0"),
    )  # fmt: skip
    assert rows["310000012361"] == (
        "resting", "open", Decimal("0.5"), Decimal("0.0"), Decimal("0.5"),
    )  # fmt: skip
    assert sync_orders(hl_ctx()).inserted == 0  # unchanged: nothing new


def entry(status: str, sz: str, orig: str = "0.05") -> dict:
    at = int((NOW - timedelta(hours=1)).timestamp() * 1000)
    return order("BTC", "B", "99000.0", sz, orig, 42, at, status=status, at=at)


@pytest.mark.parametrize(
    ("status", "sz", "mapped", "filled", "remaining"),
    [
        ("open", "0.05", "resting", Decimal("0"), Decimal("0.05")),
        ("open", "0.02", "partial", Decimal("0.03"), Decimal("0.02")),
        ("triggered", "0.05", "resting", Decimal("0"), Decimal("0.05")),
        ("filled", "0.0", "filled", Decimal("0.05"), Decimal("0")),
        ("filled", "0.05", "filled", Decimal("0.05"), Decimal("0")),  # sz not zeroed
        ("canceled", "0.05", "canceled", Decimal("0"), Decimal("0")),
        ("marginCanceled", "0.02", "canceled", Decimal("0.03"), Decimal("0")),
        ("reduceOnlyCanceled", "0.05", "canceled", Decimal("0"), Decimal("0")),
        ("rejected", "0.05", "rejected", Decimal("0"), Decimal("0")),
        ("minTradeNtlRejected", "0.05", "rejected", Decimal("0"), Decimal("0")),
    ],
)
def test_status_maps_to_the_contract_set(status, sz, mapped, filled, remaining):
    row = order_row(HistoricalOrder.model_validate(entry(status, sz)), OWN, NOW)
    assert (row["status"], row["status_raw"], row["filled_quantity"]) == (mapped, status, filled)
    assert row["remaining_quantity"] == remaining and row["side"] == "buy"


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown order status"):
        order_row(HistoricalOrder.model_validate(entry("paused", "0.05")), OWN, NOW)


def test_a_changed_status_under_the_same_timestamp_is_a_new_version(sync_context, tmp_path, db_url):
    answers = tmp_path / "hyperliquid"
    answers.mkdir()
    clock = [NOW]

    def run(status: str, sz: str) -> int:
        recording = {
            "doc": DOC, "note": "test", "request": {
                "method": "POST", "path": "/info", "params": {},
                "json": {"type": "historicalOrders", "user": OWN},
            },
            "response": {"status": 200, "headers": {}, "body": [entry(status, sz)]},
        }  # fmt: skip
        (answers / "orders.json").write_text(json.dumps(recording))
        ctx = sync_context(CONFIG, replay_dir=tmp_path, now=lambda: clock[0])
        return sync_orders(ctx).inserted

    assert run("open", "0.05") == 1
    clock[0] = NOW + timedelta(minutes=5)
    assert run("open", "0.05") == 0
    clock[0] = NOW + timedelta(minutes=10)
    assert run("canceled", "0.05") == 1  # statusTimestamp not moved: still a new row
    assert stored(db_url) == [
        ("42", "resting", "open", Decimal("0.05"), Decimal("0"), Decimal("0.05")),
        ("42", "canceled", "canceled", Decimal("0.05"), Decimal("0"), Decimal("0")),
    ]
