"""Own Kalshi orders: wire formats, the observation ledger (every changed state is a version, even
when `last_update_time` did not move), quarantine, history past the cutoff and the re-read of an
open order a window no longer lists. Real PostgreSQL, real httpx against the verifying fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import psycopg
import pytest
from pydantic import ValidationError

from ingestion.kalshi.client import Cutoff
from ingestion.kalshi.models import Order
from ingestion.kalshi.normalize import order_row
from ingestion.kalshi.sync import sync_orders
from ingestion.sync import run_stream

T0 = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
WALK_3 = "5a1b0d2f-0011"  # the resting third attempt of the DAL exit


def _clock(at: datetime):
    return lambda: at


def _orders(db_url: str, order_id: str | None = None) -> list[tuple]:
    where, args = ("where order_id = %s", (order_id,)) if order_id else ("", ())
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select order_id, outcome, side, order_type, status, status_raw, price, quantity, "
            "filled_quantity, fees, venue_updated_at, observed_at "
            f"from ledger.kalshi_order_observations {where} order by order_id, observed_at",
            args,
        ).fetchall()


def test_sync_loads_live_and_historical_orders_and_quarantines_the_bad_one(
    kalshi_ctx, fake, db_url
):
    ctx = kalshi_ctx()
    ctx.now = _clock(T0)
    result = run_stream(ctx, "kalshi", "orders", sync_orders)

    assert (result.inserted, result.quarantined, result.conflicts) == (13, 1, 0)
    rows = {r[0]: r for r in _orders(db_url)}
    d = Decimal
    # legacy integer cents / counts only: 56 cents, 10 contracts, 18 cents of taker fees
    assert rows["4f0a9c1e-0001"][1:10] == (
        "yes", "buy", "limit", "filled", "executed", d("0.56"), d(10), d(10), d("0.18"),
    )  # fmt: skip
    # only outcome_side/book_side: a buy of NO at the NO price
    assert rows["4f0a9c1e-0002"][1:9] == (
        "no", "buy", "limit", "filled", "executed", d("0.3800"), d("2.50"), d("2.50"),
    )  # fmt: skip
    # legacy pair wins: sell YES at the YES limit; fees = maker + taker
    assert rows["5a1b0d2f-0004"][1:10] == (
        "yes", "sell", "limit", "filled", "executed", d("0.7100"), d("2.00"), d("2.00"),
        d("0.030000"),
    )  # fmt: skip
    # a market order has no limit price
    assert rows["5a1b0d2f-0007"][3:7] == ("market", "filled", "executed", None)
    assert [rows[f"5a1b0d2f-00{n}"][4] for n in ("09", "10", "11")] == [
        "canceled", "canceled", "resting",
    ]  # fmt: skip
    # the KC exit walked before 0004 filled at 0.71: sell YES at 0.75, then 0.73, both canceled
    assert [rows[f"5a1b0d2f-00{n}"][1:6] for n in ("13", "14")] == [
        ("yes", "sell", "limit", "canceled", "canceled"),
    ] * 2
    assert all(r[11] == T0 for r in rows.values())  # observed_at is our clock
    with psycopg.connect(db_url) as conn:
        (reason,) = conn.execute(
            "select reason from ops.quarantine where source = 'kalshi' and stream = 'orders'"
        ).fetchone()
        signed = [r.url.path for r in fake.requests if "orders" in r.url.path]
    assert "initial_count_fp" in reason and "'ten'" in reason
    assert signed == [
        "/trade-api/v2/historical/orders",
        "/trade-api/v2/portfolio/orders",
        "/trade-api/v2/portfolio/orders",
    ]
    assert not fake.rejected  # every order request was signed

    # a second run of the same pages adds nothing (same content = no version)
    ctx.now = _clock(T1)
    again = run_stream(ctx, "kalshi", "orders", sync_orders)
    assert (again.inserted, again.conflicts) == (0, 0)


class CanceledWithoutNewTimestamp(httpx.BaseTransport):
    """The recorded orders, with the resting exit attempt canceled but `last_update_time` left
    as it was (`drop`: the page no longer lists it; GET /portfolio/orders/{id} answers)."""

    def __init__(self, inner: httpx.BaseTransport, drop: bool = False) -> None:
        self.inner, self.drop = inner, drop
        self.by_id: list[str] = []

    def _canceled(self, order: dict) -> dict:
        assert order["last_update_time"] == "2026-11-22T14:41:00Z"
        return {**order, "status": "canceled", "remaining_count_fp": "0.00"}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        response = self.inner.handle_request(request)  # verifies the signature
        if path == f"/trade-api/v2/portfolio/orders/{WALK_3}" and response.status_code == 404:
            self.by_id.append(path)
            listed = self.inner.replay.handle_request(
                httpx.Request("GET", "https://x/trade-api/v2/portfolio/orders")
            )
            (order,) = [o for o in json.loads(listed.read())["orders"] if o["order_id"] == WALK_3]
            return httpx.Response(200, json={"order": self._canceled(order)}, request=request)
        if path != "/trade-api/v2/portfolio/orders" or response.status_code != 200:
            return response
        body = json.loads(response.read())
        orders = body.get("orders") or []
        if self.drop:
            body["orders"] = [o for o in orders if o["order_id"] != WALK_3]
        else:
            body["orders"] = [self._canceled(o) if o["order_id"] == WALK_3 else o for o in orders]
        return httpx.Response(200, json=body, request=request)


@pytest.mark.parametrize("drop", [False, True], ids=["listed", "re-read-by-id"])
def test_cancel_without_venue_timestamp_change_is_a_new_version(kalshi_ctx, fake, db_url, drop):
    ctx = kalshi_ctx()
    ctx.now = _clock(T0)
    run_stream(ctx, "kalshi", "orders", sync_orders)
    changed = CanceledWithoutNewTimestamp(fake, drop=drop)
    ctx = kalshi_ctx(transport=changed)
    ctx.now = _clock(T1)
    second = run_stream(ctx, "kalshi", "orders", sync_orders)

    assert (second.inserted, second.conflicts) == (1, 0)
    versions = _orders(db_url, WALK_3)
    same_venue_time = datetime(2026, 11, 22, 14, 41, tzinfo=UTC)
    assert [(v[4], v[5], v[10], v[11]) for v in versions] == [
        ("resting", "resting", same_venue_time, T0),
        ("canceled", "canceled", same_venue_time, T1),
    ]
    assert bool(changed.by_id) is drop  # read by id only when no page listed it


def test_order_wire_formats_and_rejections():
    at = datetime(2026, 11, 22, tzinfo=UTC)
    base = {"order_id": "o-1", "ticker": "T", "created_time": "2026-11-22T00:00:00Z"}
    fp = order_row(
        Order.model_validate(
            {**base, "status": "resting", "type": "limit", "outcome_side": "no",
             "book_side": "ask", "yes_price_dollars": "0.6150", "no_price_dollars": "0.3850",
             "initial_count_fp": "3.00", "fill_count_fp": "1.00", "remaining_count_fp": "2.00"}
        ),
        "kalshi", at,
    )  # fmt: skip
    assert (fp["side"], fp["outcome"], fp["price"], fp["status"]) == (
        "buy", "no", Decimal("0.3850"), "partial",
    )  # fmt: skip
    legacy = order_row(
        Order.model_validate(
            {**base, "status": "canceled", "action": "sell", "side": "yes", "yes_price": 7,
             "fill_count": 0, "remaining_count": 0, "initial_count": 4, "maker_fees": 1}
        ),
        "kalshi", at,
    )  # fmt: skip
    assert (legacy["price"], legacy["quantity"], legacy["fees"], legacy["order_type"]) == (
        Decimal("0.07"), Decimal(4), Decimal("0.01"), "limit",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="initial_count_fp"):
        Order.model_validate({**base, "status": "resting", "initial_count_fp": "ten"})
    with pytest.raises(ValidationError, match="fixed-point"):
        Order.model_validate({**base, "status": "resting", "yes_price_dollars": 0.5})  # float
    with pytest.raises(ValueError, match="unknown order status"):
        order_row(Order.model_validate({**base, "status": "lost", "side": "yes",
                                        "action": "buy", "initial_count_fp": "1.00",
                                        "yes_price_dollars": "0.5"}), "kalshi", at)  # fmt: skip
    with pytest.raises(ValueError, match="disagree"):
        order_row(Order.model_validate({**base, "status": "resting", "action": "buy",
                                        "side": "yes", "outcome_side": "no",
                                        "initial_count_fp": "1.00", "yes_price_dollars": "0.5"}),
                  "kalshi", at)  # fmt: skip
    with pytest.raises(ValueError, match="exceeds"):
        order_row(Order.model_validate({**base, "status": "executed", "action": "buy",
                                        "side": "yes", "initial_count_fp": "1.00",
                                        "fill_count_fp": "2.00", "yes_price_dollars": "0.5"}),
                  "kalshi", at)  # fmt: skip


def test_cutoff_without_orders_field_reads_the_fills_cutoff():
    c = Cutoff.parse(
        {"market_settled_ts": "2026-08-22T00:00:00Z", "trades_created_ts": "2026-08-21T00:00:00Z"}
    )
    assert c.orders_updated == datetime(2026, 8, 21, tzinfo=UTC)


class DroppedAndGone(CanceledWithoutNewTimestamp):
    """The resting order is no longer listed and GET /portfolio/orders/{id} answers 404."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(WALK_3):
            self.by_id.append(request.url.path)
            return self.inner.handle_request(request)  # verified, then 404: no recording
        return super().handle_request(request)


def test_an_open_order_that_cannot_be_re_read_is_noted_not_a_failed_run(kalshi_ctx, fake, db_url):
    ctx = kalshi_ctx()
    ctx.now = _clock(T0)
    run_stream(ctx, "kalshi", "orders", sync_orders)
    gone = DroppedAndGone(fake, drop=True)
    ctx = kalshi_ctx(transport=gone)
    ctx.now = _clock(T1)
    second = run_stream(ctx, "kalshi", "orders", sync_orders)

    assert second.failed is None and second.inserted == 0
    assert gone.by_id == [f"/trade-api/v2/portfolio/orders/{WALK_3}"]
    assert any(WALK_3 in note and "404" in note for note in second.notes), second.notes
    assert [v[4] for v in _orders(db_url, WALK_3)] == ["resting"]  # tried again next sync
