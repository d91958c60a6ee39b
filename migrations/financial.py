"""Downgrades never drop financial history (issue #18 part 4).

A ledger (`ledger.*`) or the raw landing table (`raw.pages`) is the only copy of what a venue
said; the prop-firm schema this product grew from forbids dropping financial tables or columns.
A downgrade that would remove one goes through these helpers: they refuse, before anything is
dropped, while any of the tables holds a row, and name the tables, their row counts and what to
do instead. On an empty database (a fresh install, a test) the drop goes ahead.

`tests/foundation/test_migration_downgrades.py` scans every migration for a drop of a `ledger.`
or `raw.` object written outside these helpers.
"""

from __future__ import annotations

from alembic import op

REFUSAL = (
    "refusing to downgrade: % would be dropped but hold% financial history. A downgrade "
    "never drops ledger or raw rows. To go back to an older release, keep this database as it "
    "is (newer migrations only add); to start over, take a backup (pg_dump) and drop the "
    "database yourself"
)


def refuse_if_rows(*tables: str) -> None:
    """Abort the migration (its transaction, nothing dropped) if any of `tables` holds rows."""
    checks = "\n".join(
        f"    if exists (select 1 from {t}) then\n"
        f"        held := held || format('%s (%s rows)', '{t}', (select count(*) from {t}));\n"
        f"    end if;"
        for t in tables
    )
    op.execute(
        f"""
do $guard$
declare held text[] := '{{}}';
begin
{checks}
    if cardinality(held) > 0 then
        raise exception '{REFUSAL}', array_to_string(held, ', '),
            case when cardinality(held) = 1 then 's' else '' end
            using errcode = 'restrict_violation';
    end if;
end
$guard$
"""
    )


def drop_financial_tables(*tables: str) -> None:
    """Drop `tables` (in the order given) only if every one of them is empty."""
    refuse_if_rows(*tables)
    for table in tables:
        op.execute(f"drop table {table}")


def drop_financial_column(tables: tuple[str, ...] | list[str], column: str) -> None:
    """Drop `column` from each of `tables` only if every one of them is empty."""
    refuse_if_rows(*tables)
    for table in tables:
        op.execute(f"alter table {table} drop column {column}")
