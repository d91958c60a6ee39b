"""Real `dbt build` of core.positions, core.balances and core.funding_payments on the recorded
demo answers, then on a later state where the ETH short was closed and BTC flipped short."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import sync_accounts, sync_funding, sync_positions
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import NOW, OWN
from tests.hyperliquid.fake_api import FakeHyperliquid, clearinghouse, make_position

SELECT = "+positions +balances +funding_payments"


def _positions(db_url) -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select market_id, outcome, position_side, quantity, cost, entry_price, mark_price, "
            "unrealized_pnl, leverage, liquidation_price, margin, funding_paid "
            "from core.positions where venue = 'hyperliquid' order by market_id, outcome"
        ).fetchall()


def test_positions_balances_and_funding_from_the_recorded_answers(hl_ctx, db_url, tmp_path):
    ctx = hl_ctx()
    clock = [NOW]
    ctx.now = lambda: clock[0]
    sync_accounts(ctx)  # before the positions, as the demo runs them: the balance must not care
    clock[0] = NOW + timedelta(minutes=1)
    sync_positions(ctx)
    sync_funding(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    assert _positions(db_url) == [
        # 0.05 x 100200 = 5010 cost; mark 5030.05 / 0.05 = 100601
        ("BTC", "long", "long", Decimal("0.05"), Decimal("5010.000"), Decimal("100200.0"),
         Decimal("100601"), Decimal("20.05"), Decimal(10), Decimal("80250.4"),
         Decimal("503.005"), Decimal("0.188439")),
        # 0.4 x 3850 = 1540 cost; mark 1545.08 / 0.4 = 3862.7
        ("ETH", "short", "short", Decimal("0.4"), Decimal("1540.00"), Decimal("3850.0"),
         Decimal("3862.7"), Decimal("-5.08"), Decimal(5), None, Decimal("308.94"),
         Decimal("-0.030904")),
    ]  # fmt: skip
    with psycopg.connect(db_url) as conn:
        balance = conn.execute(
            "select currency, balance, equity from core.balances where venue = 'hyperliquid'"
        ).fetchall()
        funding = conn.execute(
            "select instrument, count(*), sum(amount), min(rate), max(position_size) "
            "from core.funding_payments group by instrument order by instrument"
        ).fetchall()
    # equity 25014.97 = collateral 25000.00 + 20.05 - 5.08
    assert balance == [("USDC", Decimal("25000.00"), Decimal("25014.97"))]
    assert funding == [
        ("BTC", 3, Decimal("0.188439"), Decimal("0.0000125"), Decimal("0.05")),
        ("ETH", 3, Decimal("-0.030904"), Decimal("-0.000005"), Decimal("0.4")),
    ]


def test_a_closed_and_a_flipped_position_leave_their_side(hl_ctx, db_url, tmp_path):
    long_btc = make_position("BTC", "0.05")
    short_eth = make_position("ETH", "-0.4", liquidationPx=None)
    fake = FakeHyperliquid(states={OWN: clearinghouse("100", assetPositions=[long_btc, short_eth])})
    clock = [NOW]
    ctx = hl_ctx()
    ctx.transport = lambda source: fake.transport()
    ctx.now = lambda: clock[0]
    sync_positions(ctx)
    clock[0] = NOW + timedelta(hours=1)  # ETH closed; BTC flipped to a 0.02 short
    fake.states[OWN] = clearinghouse("100", assetPositions=[make_position("BTC", "-0.02")])
    sync_positions(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    assert [r[:4] for r in _positions(db_url)] == [("BTC", "short", "short", Decimal("0.02"))]
