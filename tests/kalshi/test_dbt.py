"""Real `dbt build` of the Kalshi models and the core relations they feed."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.kalshi.sync import (
    sync_balance,
    sync_fills,
    sync_markets,
    sync_positions,
    sync_settlements,
)
from tests.dbt_runner import dbt_build

SELECT = "+markets +market_history +fills +settlements +positions +balances"


def test_core_relations_from_kalshi(kalshi_ctx, db_url, tmp_path):
    ctx = kalshi_ctx()
    for fn in (sync_markets, sync_fills, sync_settlements, sync_positions, sync_balance):
        fn(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        q = conn.execute
        buf = q(
            "select outcome, status, status_raw, price, bid, ask, result, settlement_value "
            "from core.markets where market_id = 'KXNFLGAME-25NOV23KCBUF-BUF' order by outcome"
        ).fetchall()
        statuses = q(
            "select market_id, status from core.markets where venue = 'kalshi' "
            "and outcome = 'yes' order by market_id"
        ).fetchall()
        fill = q(
            "select side, outcome, price, quantity, quantity_unit, fee, fee_currency, notional "
            "from core.fills where venue = 'kalshi' and market_id = 'KXNFLGAME-25NOV23KCBUF-KC'"
        ).fetchone()
        settlement = q(
            "select result, yes_quantity, yes_cost, revenue from core.settlements "
            "where market_id = 'KXNFLGAME-25NOV23KCBUF-BUF'"
        ).fetchone()
        positions = q(
            "select market_id, outcome, quantity, cost from core.positions "
            "where venue = 'kalshi' order by market_id"
        ).fetchall()
        balance = q("select account, currency, balance from core.balances").fetchall()
    assert buf == [
        ("no", "settled", "finalized", Decimal("0.0100"), None, None, "yes", Decimal("0.0000")),
        ("yes", "settled", "finalized", Decimal("0.9900"), None, None, "yes", Decimal("1.0000")),
    ]
    assert statuses == [
        ("KXNFLGAME-25NOV23KCBUF-BUF", "settled"),
        ("KXNFLGAME-25NOV23KCBUF-KC", "settled"),
        ("KXNFLGAME-26NOV15KCDEN-DEN", "settled"),
        ("KXNFLGAME-26NOV15KCDEN-KC", "settled"),
        ("KXNFLGAME-26NOV22PHILAR-LAR", "closed"),
        ("KXNFLGAME-26NOV22PHILAR-PHI", "closed"),
        ("KXNFLGAME-26NOV26KCDAL-DAL", "open"),
        ("KXNFLGAME-26NOV26KCDAL-KC", "open"),
    ]
    assert fill == (
        "buy", "no", Decimal("0.3800"), Decimal("2.50"), "contracts", Decimal("0.000000"),
        "USD", Decimal("0.950000"),
    )  # fmt: skip
    assert settlement == ("yes", Decimal("10.00"), Decimal("5.6000"), Decimal("10"))
    assert positions == [
        ("KXNFLGAME-26NOV22PHILAR-PHI", "yes", Decimal("15.00"), Decimal("7.9875")),
        ("KXNFLGAME-26NOV26KCDAL-DAL", "no", Decimal("4.00"), Decimal("1.8000")),
    ]
    assert balance == [("kalshi", "USD", Decimal("102.3400"))]  # accounts.kalshi.account
