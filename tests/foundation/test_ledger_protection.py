"""Every ledger table, whichever migration made it, refuses to change its history (issue #18
part 5): found in the database, not listed by hand, so a new ledger is covered the day it is
created. With the recorded fixtures loaded (each table holds rows, so row triggers fire), the
owner's UPDATE, DELETE and TRUNCATE are refused by the triggers, and each pipeline role's by
its privileges."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.loader import LedgerTable

REFUSED = (psycopg.errors.InsufficientPrivilege,)
ROLES = (None, "tradelake_ingest", "tradelake_dbt")  # None: the owner (superuser)


def ledger_tables(conn: psycopg.Connection) -> list[str]:
    return [
        t
        for (t,) in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'ledger' and table_type = 'BASE TABLE' order by 1"
        )
    ]


def test_every_ledger_refuses_update_delete_and_truncate(loaded_db: str) -> None:
    allowed: list[str] = []
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        tables = ledger_tables(conn)
        empty = [
            t for t in tables if not conn.execute(f"select 1 from ledger.{t} limit 1").fetchone()
        ]
        assert not empty, f"the fixtures left these ledgers empty: {empty}"
        for table in tables:
            for role in ROLES:
                for statement in (
                    f"update ledger.{table} set loaded_at = loaded_at",
                    f"delete from ledger.{table}",
                    f"truncate ledger.{table}",
                ):
                    try:
                        with conn.transaction():
                            if role:
                                conn.execute(f"set local role {role}")
                            conn.execute(statement)
                    except REFUSED:
                        continue
                    allowed.append(f"{role or 'owner'}: {statement}")
    assert len(tables) >= 18  # every source's ledgers (ESPN's included)
    assert not allowed, allowed


def test_every_ledger_has_a_loader_definition(loaded_db: str) -> None:
    """The loader knows every ledger table the migrations made (and no other), so no table is
    written outside ingestion.loader's rules."""
    import importlib
    import pkgutil

    import ingestion

    defined = set()
    for module in pkgutil.iter_modules(ingestion.__path__):
        try:
            tables = importlib.import_module(f"ingestion.{module.name}.tables")
        except ModuleNotFoundError:
            continue
        defined |= {
            v.name.removeprefix("ledger.")
            for v in vars(tables).values()
            if isinstance(v, LedgerTable)
        }
    from challenges.store import LEDGER  # the challenge evaluator's own append rule

    defined.add(LEDGER.removeprefix("ledger."))
    with psycopg.connect(loaded_db) as conn:
        assert set(ledger_tables(conn)) == defined


@pytest.mark.parametrize("statement", ["set session_replication_role = replica"])
def test_pipeline_roles_cannot_switch_the_triggers_off(loaded_db: str, statement: str) -> None:
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        for role in ("tradelake_ingest", "tradelake_dbt"):
            with pytest.raises(REFUSED), conn.transaction():
                conn.execute(f"set local role {role}")
                conn.execute(statement)
