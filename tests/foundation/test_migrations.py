"""Migrations apply, re-apply (idempotent), roll back to nothing, and re-apply again."""

import psycopg
from alembic.script import ScriptDirectory

from ingestion.schema import alembic_config, current_heads, downgrade_all, migrate


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
    applied = {r.revision for r in script.iterate_revisions(tuple(heads), "base")}
    assert applied == {r.revision for r in script.walk_revisions()}
    assert heads <= set(script.get_heads())
    assert {"raw.pages", "ops.quarantine", "ops.cursors", "ref.strategies"} <= tables

    migrate(empty_db_url)  # idempotent
    assert _tables(empty_db_url) == tables

    downgrade_all(empty_db_url)
    assert current_heads(empty_db_url) == set()
    assert _tables(empty_db_url) == {"ops.alembic_version"}

    migrate(empty_db_url)
    assert _tables(empty_db_url) == tables
