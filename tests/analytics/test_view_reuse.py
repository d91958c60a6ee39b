"""dbt views are re-created only when their definition changed (issue 19: a no-op refresh spent
much of its time re-creating every view): dbt_project/macros/materializations/view.sql, on a
real dbt build. A view whose upstream table was rebuilt (and swapped, which drops its
dependents) is created again; a changed SQL, description or --full-refresh re-creates it."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.dbt_runner import dbt

pytestmark = pytest.mark.slow

VIEWS = [
    "staging.stg_ops__sync_runs",
    "intermediate.int_stale_streams",
    "intermediate.int_late_streams",
    "intermediate.int_market_matchups_parsed",
]
SELECT = [
    "stg_ops__sync_runs",
    "int_stale_streams",
    "int_late_streams",
    "+int_market_matchups_parsed",
]


def oids(db_url: str) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        return {
            view: conn.execute("select %s::regclass::oid", (view,)).fetchone()[0] for view in VIEWS
        }


def build(db_url: str, tmp: Path, *extra: str, vars_: str | None = None) -> str:
    done = dbt(
        db_url,
        tmp,
        "build",
        "--indirect-selection",
        "cautious",
        "--select",
        *SELECT,
        *extra,
        vars_=vars_,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    return done.stdout


def test_unchanged_views_are_kept(db_url: str, tmp_path: Path) -> None:
    build(db_url, tmp_path)
    first = oids(db_url)
    build(db_url, tmp_path)
    second = oids(db_url)
    # kept: the two views over ops.sync_runs and int_late_streams; re-created: the view over
    # core.markets, a table rebuilt by every run (its swap drops the old table's dependents)
    kept = {view for view in VIEWS if first[view] == second[view]}
    assert kept == {
        "staging.stg_ops__sync_runs",
        "intermediate.int_stale_streams",
        "intermediate.int_late_streams",
    }
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into ops.sync_runs (source, stream, started_at, finished_at, status) "
            "values ('kalshi', 'markets', now() - interval '2 hours', "
            "now() - interval '2 hours', 'succeeded')"
        )
        # a kept view reads today's rows like a new one; the re-created one reads the new table
        late = conn.execute(
            "select stream_name, late_after_minutes from intermediate.int_late_streams "
            "where period_start = date_bin('4 hours', now(), '2000-01-01 00:00:00+00')"
        ).fetchall()
        assert late == [("kalshi/markets", 15)]
        conn.execute("select count(*) from intermediate.int_market_matchups_parsed").fetchone()
        comment = conn.execute(
            "select obj_description('intermediate.int_late_streams'::regclass)"
        ).fetchone()[0]
    # the description is still the comment, the fingerprint after it
    assert comment.startswith("One row per 4h report window and scheduled source stream")
    assert "(dbt view fingerprint " in comment

    # its SQL changed (another var: late after 3 h, so not late any more): only that view and
    # what reads it are re-created
    build(
        db_url, tmp_path, vars_=json.dumps({"stream_late_after_minutes": {"kalshi/markets": 180}})
    )
    third = oids(db_url)
    assert third["intermediate.int_late_streams"] != second["intermediate.int_late_streams"]
    assert third["staging.stg_ops__sync_runs"] == second["staging.stg_ops__sync_runs"]
    assert third["intermediate.int_stale_streams"] == second["intermediate.int_stale_streams"]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from intermediate.int_late_streams").fetchone() == (0,)

    # --full-refresh re-creates every view
    build(db_url, tmp_path, "--full-refresh")
    fourth = oids(db_url)
    assert all(fourth[view] != third[view] for view in VIEWS)
