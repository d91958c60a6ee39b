"""The four streams end to end on the recorded fixtures, against a real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from ingestion.polymarket.sync import (
    sync_fills,
    sync_markets,
    sync_prices,
    sync_wallet_activity,
)
from tests.polymarket.conftest import OWN, WHALE

ALL = (sync_markets, sync_prices, sync_fills, sync_wallet_activity)


def _run_all(ctx):
    return [fn(ctx) for fn in ALL]


def test_first_sync_loads_every_stream(pm_ctx):
    ctx = pm_ctx()
    markets, prices, fills, wallet = _run_all(ctx)
    assert markets.inserted == 4 and markets.quarantined == 0
    assert sum(r.conflicts for r in (markets, prices, fills, wallet)) == 0
    assert prices.inserted > 0 and prices.quarantined == 0
    assert fills.inserted == 4
    # 8 activity rows + 3 /trades rows, two of which are the same trades as in /activity
    assert wallet.inserted == 9
    with ctx.connect() as conn:
        rows = conn.execute(
            "select outcome, token_id, status, result, settlement_value "
            "from ledger.polymarket_market_observations where market_slug = %s order by outcome",
            ("nfl-kc-buf-2025-11-23",),
        ).fetchall()
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("bills", "settled", "bills", Decimal(1)),
        ("chiefs", "settled", "bills", Decimal(0)),
    ]
    assert all(len(r[1]) == 78 and r[1].isdigit() for r in rows)


def test_second_sync_adds_nothing(pm_ctx):
    ctx = pm_ctx()
    _run_all(ctx)
    again = _run_all(ctx)
    assert [r.inserted for r in again] == [0, 0, 0, 0]
    assert [r.conflicts for r in again] == [0, 0, 0, 0]


def test_trade_seen_via_trades_and_activity_is_one_event(pm_ctx):
    ctx = pm_ctx()
    sync_wallet_activity(ctx)
    with ctx.connect() as conn:
        counts = dict(
            conn.execute(
                "select seen_via, count(*) from ledger.polymarket_wallet_activity "
                "where wallet = %s group by seen_via",
                (WHALE,),
            ).fetchall()
        )
        trades = conn.execute(
            "select count(*) from ledger.polymarket_wallet_activity where activity_type = 'TRADE'"
        ).fetchone()[0]
    assert counts == {"activity": 8, "trades": 1}
    assert trades == 3


def test_rows_with_empty_market_fields_are_kept(pm_ctx):
    ctx = pm_ctx()
    sync_wallet_activity(ctx)
    with ctx.connect() as conn:
        kinds = conn.execute(
            "select activity_type from ledger.polymarket_wallet_activity "
            "where condition_id is null order by activity_type"
        ).fetchall()
    assert [k[0] for k in kinds] == ["MAKER_REBATE", "REWARD"]


def test_fills_include_maker_side_and_notional(pm_ctx):
    ctx = pm_ctx()
    sync_fills(ctx)
    with ctx.connect() as conn:
        rows = conn.execute(
            "select side, price, size, notional from ledger.polymarket_fills "
            "where account = %s order by executed_at",
            (OWN,),
        ).fetchall()
    assert rows[0] == ("buy", Decimal("0.56"), Decimal(250), Decimal("140.00"))
    assert all(r[3] == r[1] * r[2] for r in rows)


def test_complete_price_history_is_not_asked_for_again(pm_ctx):
    ctx = pm_ctx()
    sync_markets(ctx)
    first = sync_prices(ctx)
    again = sync_prices(ctx)
    assert first.pages == 4  # one window per outcome token of the two settled markets
    assert again.pages == 0
