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
