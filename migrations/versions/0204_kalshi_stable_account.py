"""Kalshi rows move from the API key id to the stable account name (issue #20 part 7).

The Kalshi account used to be the API key id, so a rotated key re-loaded every fill and
settlement under a new account (history doubled, every check green). Kalshi's fills,
settlements, positions and balance carry no user id (only orders do, and an account without a
listed order has none to read), so the account is now the configured
`accounts.kalshi.account` (default `kalshi`). This migration rewrites the stored rows to it.

How: the ledgers refuse UPDATE and DELETE through the `refuse_update_delete` row trigger that
`ops.protect_ledger` installs (migration 0001). Inserting corrected rows beside the old ones
cannot work (the old rows would stay and still count twice), so this migration, run by the
owner, disables that trigger *inside its own transaction* (ALTER TABLE takes an exclusive lock:
nobody can write meanwhile, and the trigger is enabled again before commit, or the whole
migration rolls back), then

1. removes the copies a key rotation already made: of the rows that become the same natural key
   under the new account, the first loaded is kept; a copy whose content differs (other than
   account and load metadata) stops the migration with the key, nothing changed;
2. sets `account` and recomputes `record_hash` exactly as the loader hashes
   (`ingestion.loader`: md5 of the row of the table's hashed columns, `ingestion.kalshi.tables`),
   so a later re-delivery of the same fill matches and records no conflict.

Rows derived by dbt from the old accounts live in incremental tables that only read new
arrivals; when rows were rewritten, the dbt tables with an `account` column are dropped (views
depending on them with them) and the next `dbt build` (`tradelake materialize`) rebuilds them
from the whole history.

Revision ID: 0204
Revises: 0203
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy import text

log = logging.getLogger("alembic.runtime.migration.0204")

revision = "0204"
down_revision = "0203"
branch_labels = None
depends_on = None

DERIVED_SCHEMAS = ("intermediate", "core", "marts")


def target_account() -> str:
    """The configured `accounts.kalshi.account` when a config can be read, else the default."""
    from ingestion.settings import DEFAULT_KALSHI_ACCOUNT, ConfigError, load_settings

    try:
        return load_settings(require_config=False).config.accounts.kalshi.account
    except (ConfigError, OSError):
        return DEFAULT_KALSHI_ACCOUNT


def _columns(conn, table: str) -> set[str]:
    rows = conn.execute(
        text(
            "select column_name from information_schema.columns "
            "where table_schema = 'ledger' and table_name = :t"
        ),
        {"t": table},
    ).fetchall()
    return {r[0] for r in rows}


def rewrite(conn, ledger, account: str) -> int:
    """Move every row of one Kalshi ledger to `account`; returns the rows changed."""
    table = ledger.name.split(".", 1)[1]
    present = _columns(conn, table)
    missing = set(ledger.columns) - present
    if missing and ledger.mode == "ledger":
        raise RuntimeError(f"{ledger.name} lacks {sorted(missing)}: run the earlier migrations")
    # an observation ledger a later migration widens: hash what exists (at worst the next sync
    # appends one observation equal to the latest)
    hashed = [c for c in ledger.hashed_columns if c in present]
    moving = conn.execute(
        text(f"select count(*) from {ledger.name} where account <> :a"), {"a": account}
    ).scalar_one()
    if not moving:
        return 0
    others = [k for k in ledger.key if k != "account"]
    content = [c for c in ledger.columns if c != "account" and c in present]
    part = ", ".join(others)
    same = " and ".join(f"a.{c} is not distinct from b.{c}" for c in content)
    differing = conn.execute(
        text(
            f"""
            select {", ".join(f"a.{k}" for k in others)}, a.account, b.account
            from {ledger.name} a join {ledger.name} b
              on {" and ".join(f"a.{k} = b.{k}" for k in others)} and a.account < b.account
            where not ({same})
            limit 1
            """
        )
    ).fetchone()
    if differing is not None and ledger.mode == "ledger":
        raise RuntimeError(
            f"{ledger.name}: {tuple(differing[:-2])} is stored under accounts {differing[-2]} "
            f"and {differing[-1]} with different content; resolve it by hand before upgrading"
        )
    conn.execute(text(f"alter table {ledger.name} disable trigger refuse_update_delete"))
    removed = conn.execute(
        text(
            f"""
            delete from {ledger.name} t using (
                select ctid, row_number() over (
                    partition by {part} order by (account = :a) desc, loaded_at, ctid
                ) as n
                from {ledger.name}
            ) d
            where t.ctid = d.ctid and d.n > 1
            """
        ),
        {"a": account},
    ).rowcount
    changed = conn.execute(
        text(
            f"update {ledger.name} as t set account = :a, "
            f"record_hash = {_hash_sql(hashed)} where account <> :a"
        ),
        {"a": account},
    ).rowcount
    conn.execute(text(f"alter table {ledger.name} enable trigger refuse_update_delete"))
    log.info(
        "%s: %s row(s) moved to account %r, %s copy(ies) removed",
        ledger.name,
        changed,
        account,
        removed,
    )
    return changed + removed


def _hash_sql(columns: list[str]) -> str:
    """`ingestion.loader._hash_expr` (md5 of the row of the hashed columns as text) over the row
    being updated, with the new account in place of the old one."""
    cols = ", ".join("cast(:a as text)" if c == "account" else f"t.{c}" for c in columns)
    return f"md5(row({cols})::text)"


def drop_derived(conn) -> None:
    rows = conn.execute(
        text(
            "select c.table_schema, c.table_name from information_schema.columns c "
            "join information_schema.tables t using (table_schema, table_name) "
            "where c.column_name = 'account' and t.table_type = 'BASE TABLE' "
            "and c.table_schema = any(:s) order by 1, 2"
        ),
        {"s": list(DERIVED_SCHEMAS)},
    ).fetchall()
    for schema, name in rows:
        conn.execute(text(f'drop table if exists "{schema}"."{name}" cascade'))
    if rows:
        log.info(
            "dropped %s dbt table(s) with an account column; the next dbt build (tradelake "
            "materialize) rebuilds them from the whole history",
            len(rows),
        )


def upgrade() -> None:
    from ingestion.kalshi.tables import BALANCES, FILLS, POSITIONS, SETTLEMENTS

    conn = op.get_bind()
    account = target_account()
    changed = sum(rewrite(conn, t, account) for t in (FILLS, SETTLEMENTS, POSITIONS, BALANCES))
    if changed:
        drop_derived(conn)


def downgrade() -> None:
    # The key id each row came from is not kept: the rows stay under the stable account.
    pass
