"""Migration 0102: ledgers protected, the shared truncation table, clean downgrade."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.schema import applied_revisions, downgrade_all, migrate

LEDGERS = (
    "polymarket_market_observations",
    "polymarket_price_points",
    "polymarket_fills",
    "polymarket_wallet_activity",
    "polymarket_wallet_value",
)


def _ours(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'polymarket%%' or table_name = 'wallet_history_truncations'"
        ).fetchall()
    return {r[0] for r in rows}


def test_up_down_up(empty_db_url):
    migrate(empty_db_url)
    # 0102 is applied: below the branches that depend on it (Hyperliquid, Etherscan, 0201)
    assert "0102" in applied_revisions(empty_db_url)
    expected = {f"ledger.{t}" for t in LEDGERS} | {"ops.wallet_history_truncations"}
    assert _ours(empty_db_url) == expected
    downgrade_all(empty_db_url)
    assert _ours(empty_db_url) == set()
    migrate(empty_db_url)
    assert _ours(empty_db_url) == expected


def test_stored_price_point_cannot_be_rewritten(conn):
    conn.execute(
        "insert into ledger.polymarket_price_points (condition_id, outcome, token_id, ts, price,"
        " record_hash) values ('0xc', 'yes', %s, now(), 0.5, 'h')",
        ("1" * 78,),
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("update ledger.polymarket_price_points set price = 0.6")
