"""No downgrade drops financial history (issue #18 part 4): every migration's downgrade, run
against a database whose ledgers hold the recorded fixtures, either leaves every ledger and
`raw.pages` row and column in place or refuses with a message naming the tables; and no
migration drops a `ledger.`/`raw.` object except through migrations/financial.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ingestion.db import sqlalchemy_url
from ingestion.schema import MIGRATIONS_DIR, alembic_config, downgrade_all

# The migrations whose downgrade removes a ledger/raw table or column: they must refuse.
DROPPING = {
    "0001", "0101", "0102", "0103", "0104", "0105", "0106", "0111", "0202", "0210", "0213",
    "0214", "0217", "0219", "0220", "0223", "0224", "0225",
}  # fmt: skip

FINANCIAL_DROP = [
    re.compile(r"(?is)\bdrop\s+table\b[^;\"']*\b(ledger|raw)\."),
    re.compile(r"(?is)\b(ledger|raw)\.[^;\"']*\bdrop\s+column\b"),
    re.compile(r"(?is)\bdrop\s+schema\s+(ledger|raw)\b[^;\"']*\bcascade\b"),
]


def history(conn) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Per ledger table and raw.pages: row count and column names."""
    tables = [
        f"{s}.{t}"
        for s, t in conn.execute(
            sa.text(
                "select table_schema, table_name from information_schema.tables "
                "where (table_schema = 'ledger' and table_type = 'BASE TABLE') "
                "or (table_schema, table_name) = ('raw', 'pages') order by 1, 2"
            )
        )
    ]
    out = {}
    for table in tables:
        schema, name = table.split(".")
        columns = conn.execute(
            sa.text(
                "select column_name from information_schema.columns "
                "where table_schema = :s and table_name = :t order by ordinal_position"
            ),
            {"s": schema, "t": name},
        ).scalars()
        count = conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
        out[table] = (count, tuple(columns))
    return out


def test_every_downgrade_keeps_or_refuses_with_the_tables_named(loaded_db: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(loaded_db))
    engine = sa.create_engine(sqlalchemy_url(loaded_db))
    refused: dict[str, str] = {}
    with engine.connect() as conn:
        before = history(conn)
        assert sum(count for count, _ in before.values()) > 2000  # the fixtures did load
        with Operations.context(MigrationContext.configure(conn)):
            for revision in script.walk_revisions():
                savepoint = conn.begin_nested()
                try:
                    revision.module.downgrade()
                except sa.exc.DBAPIError as exc:
                    savepoint.rollback()
                    refused[revision.revision] = str(exc.orig)
                    assert history(conn) == before
                    continue
                # It went through: nothing it did may have removed a row or a column.
                after = history(conn)
                savepoint.rollback()
                lost = {t: before[t] for t in before if after.get(t) != before[t]}
                assert not lost, f"downgrade of {revision.revision} removed history: {lost}"
        engine.dispose()

    assert set(refused) == DROPPING, refused
    for message in refused.values():
        assert message.startswith("refusing to downgrade: "), message
        assert "A downgrade never drops ledger or raw rows" in message
        assert "pg_dump" in message
    kalshi = refused["0101"]
    fills = before["ledger.kalshi_fills"][0]
    assert f"ledger.kalshi_fills ({fills} rows)" in kalshi
    assert (
        f"raw.pages ({before['raw.pages'][0]} rows) would be dropped but holds" in (refused["0001"])
    )


def test_a_full_downgrade_stops_at_the_first_ledger_and_loses_nothing(loaded_db: str) -> None:
    with psycopg.connect(loaded_db) as conn:
        counts = {
            t: conn.execute(f"select count(*) from ledger.{t}").fetchone()[0]
            for (t,) in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'ledger' and table_type = 'BASE TABLE'"
            ).fetchall()
        }
    with pytest.raises(sa.exc.DBAPIError, match="refusing to downgrade: ledger"):
        downgrade_all(loaded_db)
    with psycopg.connect(loaded_db) as conn:
        for table, count in counts.items():
            assert conn.execute(f"select count(*) from ledger.{table}").fetchone()[0] == count


def downgrade_source(path: Path) -> str:
    text = path.read_text()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == "downgrade":
            return ast.get_source_segment(text, node) or ""
    return ""


@pytest.mark.parametrize(
    "path", sorted((MIGRATIONS_DIR / "versions").glob("*.py")), ids=lambda p: p.stem
)
def test_no_migration_drops_ledger_or_raw_outside_the_guard(path: Path) -> None:
    source = downgrade_source(path)
    found = [m.group(0) for pattern in FINANCIAL_DROP for m in pattern.finditer(source)]
    assert not found, (
        f"{path.name} drops financial history in its downgrade ({found}); use "
        "migrations.financial.drop_financial_tables / drop_financial_column, which refuse "
        "while the table holds rows"
    )


def test_the_scan_sees_a_raw_drop() -> None:
    """The patterns above catch the drops the ledger migrations used to write."""
    for written in (
        'op.execute(f"drop table ledger.{table}")',
        'op.execute("drop table raw.pages")',
        'op.execute(f"alter table ledger.{table} drop column venue_updated_at")',
        'op.execute("drop schema ledger cascade")',
    ):
        assert any(p.search(written) for p in FINANCIAL_DROP), written
    assert not any(p.search('op.execute("drop schema ledger")') for p in FINANCIAL_DROP)
