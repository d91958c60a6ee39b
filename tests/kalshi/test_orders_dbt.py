"""Real `dbt build` of core.orders and marts.trading_sessions from the Kalshi ledgers: latest
state per order, mapped status with the raw one kept, terminal time, average fill price from the
order's fills; one session per fill here (the recorded fills are days apart)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.kalshi.sync import sync_fills, sync_orders
from tests.dbt_runner import dbt_build
from tests.kalshi.test_orders import T0, T1, CanceledWithoutNewTimestamp

SELECT = "+orders int_orders__polymarket +trading_sessions"


def test_core_orders_and_sessions_from_kalshi(kalshi_ctx, fake, db_url, tmp_path):
    ctx = kalshi_ctx()
    ctx.now = lambda: T0
    sync_fills(ctx)
    sync_orders(ctx)
    later = kalshi_ctx(transport=CanceledWithoutNewTimestamp(fake))
    later.now = lambda: T1
    sync_orders(later)  # the third exit attempt is canceled, last_update_time unchanged

    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        orders = {
            r[0]: r[1:]
            for r in conn.execute(
                "select order_id, outcome, side, order_type, price, status, status_raw, "
                "filled_quantity, avg_fill_price, fees, updated_at, terminal_at, "
                "is_derived_from_fills from core.orders where venue = 'kalshi'"
            )
        }
        sessions = conn.execute(
            "select session_id, total_trades, winning_trades, losing_trades, net_pnl, "
            "max_drawdown, tilt_events_count from marts.trading_sessions "
            "where venue = 'kalshi' order by started_at"
        ).fetchall()
    d, at = Decimal, lambda *a: datetime(*a, tzinfo=UTC)
    assert len(orders) == 13  # the order with initial_count_fp "ten" is in quarantine
    # executed, first seen executed: terminal at the venue's time; 5 YES at 0.4850
    assert orders["5a1b0d2f-0003"] == (
        "yes", "buy", "limit", d("0.4900"), "filled", "executed", d("5.00"), d("0.4850"),
        d("0.090000"), at(2026, 11, 14, 20), at(2026, 11, 14, 20), False,
    )  # fmt: skip
    # only outcome_side/book_side on order and fill: a NO buy at the NO price
    assert orders["4f0a9c1e-0002"][:8] == (
        "no", "buy", "limit", d("0.3800"), "filled", "executed", d("2.50"), d("0.38"),
    )  # fmt: skip
    # a market order: no limit; its only fill has no price (quarantined): no average
    assert orders["5a1b0d2f-0007"][2:4] == ("market", None)
    assert orders["5a1b0d2f-0007"][7] is None
    # canceled by the venue's clock; the cancel that did not move it: at our observation
    assert orders["5a1b0d2f-0008"][4:6] == ("canceled", "canceled")
    assert orders["5a1b0d2f-0008"][10] == at(2026, 11, 21, 17, 55)
    assert orders["5a1b0d2f-0011"][4:6] == ("canceled", "canceled")
    assert orders["5a1b0d2f-0011"][9:11] == (at(2026, 11, 22, 14, 41), T1)
    assert orders["5a1b0d2f-0010"][4] == "canceled"

    # six Kalshi fills days apart (the price-less one is quarantined): six sessions; the sale of
    # 2 KC at 0.71 against 0.485 realises 0.45, fee 0.03; the buy before pays 0.09 (drawdown)
    assert [s[0] for s in sessions][2:4] == [
        "kalshi:kalshi:2026-11-14T20:00:00Z",
        "kalshi:kalshi:2026-11-15T23:10:00Z",
    ]
    assert sessions[2][1:] == (1, 0, 0, d("-0.090000"), d("0.090000"), 0)
    assert sessions[3][1:] == (1, 1, 0, d("0.42000000"), d("0"), 0)
    assert len(sessions) == 6
