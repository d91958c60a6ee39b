"""Migrations apply, re-apply (idempotent), roll back to nothing, and re-apply again."""

import psycopg
from alembic.script import ScriptDirectory

from ingestion.schema import (
    alembic_config,
    applied_revisions,
    current_heads,
    downgrade_all,
    migrate,
)


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'ledger', 'ref', 'ops')"
        ).fetchall()
    return {r[0] for r in rows}


def test_up_down_up(empty_db_url: str) -> None:
    migrate(empty_db_url)
    heads = current_heads(empty_db_url)
    tables = _tables(empty_db_url)
    # every branch (foundation + one per source) is at its head; a head that another branch
    # depends on (e.g. 0102 under Hyperliquid/Etherscan) is applied but not listed separately
    script = ScriptDirectory.from_config(alembic_config(empty_db_url))
    assert applied_revisions(empty_db_url) == {r.revision for r in script.walk_revisions()}
    assert heads <= set(script.get_heads())
    assert {"raw.pages", "ops.quarantine", "ops.cursors", "ref.strategies"} <= tables
    # 0201: the ledgers feeding incremental dbt models find new rows by a BRIN index
    with psycopg.connect(empty_db_url) as conn:
        brin = conn.execute(
            "select count(*) from pg_indexes where schemaname = 'ledger' "
            "and indexdef like '%%USING brin (loaded_at)%%'"
        ).fetchone()[0]
    assert brin == 12

    migrate(empty_db_url)  # idempotent
    assert _tables(empty_db_url) == tables

    downgrade_all(empty_db_url)
    assert current_heads(empty_db_url) == set()
    assert _tables(empty_db_url) == {"ops.alembic_version"}

    migrate(empty_db_url)
    assert _tables(empty_db_url) == tables
