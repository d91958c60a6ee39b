"""A table model holds its ACCESS EXCLUSIVE lock only for the swap (issue #20 part 3): the
comments are written on the new table before the live one is renamed away, not after."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from tests.dbt_runner import dbt_build


@pytest.mark.slow
def test_table_swap_renames_then_commits_with_nothing_in_between(
    db_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:  # a core.balances from a past build
        conn.execute(
            "create table core.balances (balance numeric); "
            "alter table core.balances owner to tradelake_dbt"  # dbt's own, as a build leaves it
        )
    built = dbt_build(db_url, tmp_path, "+balances", "--threads", "1")
    assert built.returncode == 0, built.stdout[-3000:]

    log = (tmp_path / "logs" / "dbt.log").read_text()
    # the first rename of core.balances' swap (other table models upstream swap before it)
    rename = re.search(
        r'alter table "[^"]+"\."core"\."balances" rename to "balances__dbt_backup"', log
    )
    assert rename, log[-3000:]
    start = log.rindex("\n", 0, rename.start())
    swap = log[start : log.index("COMMIT", start)]
    statements = re.findall(r"(?im)^\s*(alter table|comment on|create index|grant|select)\b", swap)
    assert [s.lower() for s in statements] == ["alter table", "alter table"], swap[-3000:]

    with psycopg.connect(db_url) as conn:  # the comments survived the rename
        table, column = conn.execute(
            "select obj_description('core.balances'::regclass), "
            "col_description('core.balances'::regclass, 1)"
        ).fetchone()
    assert table and column


@pytest.mark.slow
def test_view_swap_renames_with_only_its_grants_before_the_commit(
    db_url: str, tmp_path: Path
) -> None:
    """A view that is re-created (its definition changed) gets its comments, the fingerprint
    that lets the next run keep it among them, before the live view is renamed away."""
    with psycopg.connect(db_url, autocommit=True) as conn:  # an older stg_ops__sync_runs
        conn.execute(
            "create view staging.stg_ops__sync_runs as select 1 as sync_run_id; "
            "alter view staging.stg_ops__sync_runs owner to tradelake_dbt"
        )
    built = dbt_build(db_url, tmp_path, "stg_ops__sync_runs", "--threads", "1")
    assert built.returncode == 0, built.stdout[-3000:]

    log = (tmp_path / "logs" / "dbt.log").read_text()
    rename = re.search(
        r'alter table "[^"]+"\."staging"\."stg_ops__sync_runs" rename to '
        r'"stg_ops__sync_runs__dbt_backup"',
        log,
    )
    assert rename, log[-3000:]
    start = log.rindex("\n", 0, rename.start())
    swap = log[start : log.index("COMMIT", start)]
    statements = re.findall(r"(?im)^\s*(alter table|comment on|create index|grant|select)\b", swap)
    # the renames, then the grants the project configures for a view (none are comments)
    assert [s.lower() for s in statements][:2] == ["alter table", "alter table"], swap[-3000:]
    assert "comment on" not in [s.lower() for s in statements], swap[-3000:]

    with psycopg.connect(db_url) as conn:  # the comments survived the rename
        view, column = conn.execute(
            "select obj_description('staging.stg_ops__sync_runs'::regclass), "
            "col_description('staging.stg_ops__sync_runs'::regclass, 1)"
        ).fetchone()
    assert "dbt view fingerprint" in view and column
    rebuilt = dbt_build(db_url, tmp_path / "again", "stg_ops__sync_runs", "--threads", "1")
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    assert "unchanged view" in (tmp_path / "again" / "logs" / "dbt.log").read_text()
