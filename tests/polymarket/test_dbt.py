"""Real `dbt build` of the Polymarket models and the core relations they feed."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.polymarket.sync import (
    sync_fills,
    sync_markets,
    sync_prices,
    sync_wallet_activity,
)
from tests.dbt_runner import dbt_build
from tests.polymarket.conftest import OWN, WHALE

SELECT = "+markets +market_history +price_history +fills +wallet_events"


def test_core_relations_from_polymarket(pm_ctx, db_url, tmp_path):
    ctx = pm_ctx()
    for fn in (sync_markets, sync_prices, sync_fills, sync_wallet_activity):
        fn(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        markets = conn.execute(
            "select outcome, status, result, settlement_value, event_id, token_id "
            "from core.markets where venue = 'polymarket' order by title, outcome"
        ).fetchall()
        fills = conn.execute(
            "select outcome, side, price, quantity, notional, instrument from core.fills "
            "where venue = 'polymarket' and account = %s order by executed_at",
            (OWN,),
        ).fetchall()
        events = conn.execute(
            "select event_type, count(*) from core.wallet_events where wallet = %s "
            "group by event_type order by event_type",
            (WHALE,),
        ).fetchall()
        history = conn.execute(
            "select count(*), count(distinct token_id) from core.price_history "
            "where venue = 'polymarket'"
        ).fetchone()
        versions = conn.execute(
            "select count(*) from core.market_history where venue = 'polymarket'"
        ).fetchone()[0]
    assert [(m[0], m[1], m[2], m[3]) for m in markets] == [
        ("bills", "settled", "bills", Decimal(1)),
        ("chiefs", "settled", "bills", Decimal(0)),
        ("over", "settled", "under", Decimal(0)),
        ("under", "settled", "under", Decimal(1)),
    ]
    assert {m[4] for m in markets} == {"nfl-kc-buf-2025-11-23"}
    assert all(len(m[5]) == 78 for m in markets)
    # the fourth fill has outcomeIndex -1: its outcome comes from its token id
    assert [f[0] for f in fills] == ["bills", "chiefs", "under", "chiefs"]
    assert all(f[4] == f[2] * f[3] for f in fills)
    assert dict(events) == {
        "conversion": 1,
        "merge": 1,
        "rebate": 1,
        "redeem": 1,
        "reward": 1,
        "split": 1,
        "trade": 3,
    }
    assert history[1] == 4 and history[0] > 100
    assert versions == 4
