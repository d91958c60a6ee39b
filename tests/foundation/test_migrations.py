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
    # 0201 (0210 for the challenge events, 0213 for the wallet equity ledgers, 0217 for the
    # candles, 0219 for the orders, 0220 for the OKX market and account ledgers, 0223 for the
    # Hyperliquid positions, account and funding, 0225 for its asset contexts): the
    # ledgers feeding incremental dbt models find new rows by a
    # BRIN index
    with psycopg.connect(empty_db_url) as conn:
        brin = conn.execute(
            "select count(*) from pg_indexes where schemaname = 'ledger' "
            "and indexdef like '%%USING brin (loaded_at)%%'"
        ).fetchone()[0]
    assert brin == 28

    migrate(empty_db_url)  # idempotent
    assert _tables(empty_db_url) == tables

    downgrade_all(empty_db_url)
    assert current_heads(empty_db_url) == set()
    assert _tables(empty_db_url) == {"ops.alembic_version"}

    migrate(empty_db_url)
    assert _tables(empty_db_url) == tables


def test_0203_keeps_stored_confidence_as_its_text(empty_db_url: str) -> None:
    """Tags stored while confidence_at_execution was numeric survive 0203 as the text of the
    number (its written scale kept); a dbt view reading the column does not block the change,
    and an incremental trade_attribution built before keeps its rows, now as text."""
    from alembic import command

    command.upgrade(alembic_config(empty_db_url), "0201")
    with psycopg.connect(empty_db_url) as conn:
        conn.execute(
            "insert into ref.strategies (strategy_name, strategy_version, strategy_type, config) "
            "values ('fade', 'v1', 'mean_reversion', '{}')"
        )
        conn.execute(
            "insert into ref.order_tags (venue, order_id, strategy_name, strategy_version, "
            "confidence_at_execution) values ('kalshi', 'o-1', 'fade', 'v1', 0.70), "
            "('kalshi', 'o-2', 'fade', 'v1', 0.6), ('kalshi', 'o-3', 'fade', 'v1', null), "
            "('kalshi', 'o-4', 'fade', 'v1', 1)"
        )
        # what a dbt build leaves behind: the staging view and the incremental mart
        conn.execute("create schema staging")
        conn.execute("create schema marts")
        conn.execute("create view staging.stg_ref__order_tags as select * from ref.order_tags")
        conn.execute(
            "create table marts.trade_attribution as select order_id, confidence_at_execution "
            "from staging.stg_ref__order_tags"
        )
    migrate(empty_db_url)
    with psycopg.connect(empty_db_url) as conn:
        tags = conn.execute(
            "select order_id, confidence_at_execution, pg_typeof(confidence_at_execution)::text "
            "from ref.order_tags order by 1"
        ).fetchall()
        assert tags == [
            ("o-1", "0.70", "text"),
            ("o-2", "0.6", "text"),
            ("o-3", None, "text"),
            ("o-4", "1", "text"),
        ]
        mart = conn.execute(
            "select order_id, confidence_at_execution, pg_typeof(confidence_at_execution)::text "
            "from marts.trade_attribution order by 1"
        ).fetchall()
        assert mart == tags
        # the view is gone until dbt re-creates it; the words are accepted now
        assert conn.execute("select to_regclass('staging.stg_ref__order_tags')").fetchone() == (
            None,
        )
        conn.execute(
            "insert into ref.order_tags (venue, order_id, strategy_name, strategy_version, "
            "confidence_at_execution) values ('kalshi', 'o-5', 'fade', 'v1', 'high')"
        )
