"""Validating a dbt relation as soon as dbt has built it (quality/validate.py `early_validation`,
`validate_early`): inside a `tradelake materialize` run the check step takes the result begun
during the dbt step instead of validating again; any other run validates in its check step;
what no check step took is dropped when the run ends."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import psycopg

from quality.suites.core import RULES as CORE
from quality.validate import _EARLY, early_validation, validate_early, validate_relations
from tests.quality.test_dbt_suites import MARKET, MARKETS

SUITE = {"core.markets": CORE["core.markets"]}


def test_the_check_step_takes_the_validation_begun_as_dbt_built_the_relation(
    db_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
        conn.execute(MARKET, ("kalshi", "KX-A", "yes", "open", 0.41))
        conn.execute(MARKET, ("kalshi", "KX-B", "no", "open", 1.5))  # out of [0, 1]
    with early_validation("run-1"):
        begin = validate_early(db_url, "run-1", SUITE)
        assert begin is not None
        begin("core.markets")
        begin("core.not_in_the_suite")  # a relation without a suite: nothing to validate
        assert set(_EARLY) == {("run-1", "core.markets")}
        _EARLY["run-1", "core.markets"].result()  # done before the row below is added
        # on a thread of its own that takes only the CPU the dbt build leaves
        (early,) = [t for t in threading.enumerate() if t.name.startswith("tradelake-gx-early")]
        assert os.getpriority(os.PRIO_PROCESS, early.native_id) == 19
        with psycopg.connect(db_url) as conn:  # (dbt never writes a relation it has built)
            conn.execute(MARKET, ("kalshi", "KX-C", "no", "halted", 0.5))
        (result,) = validate_relations(db_url, SUITE, run_id="run-1", results_dir=tmp_path)
    # the 2 rows there were when dbt built it: the early result, not a new validation
    assert (result.rows, result.early) == (2, True)
    assert [f.rule.describe() for f in result.failures] == [
        "between(price, lo=0, hi=1, strict_lo=False)"
    ]
    assert _EARLY == {}
    assert (tmp_path / "core.markets.json").is_file()  # kept for the Data Docs as before
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select count(*), max(rows_validated) from ops.check_results "
            "where run_id = 'run-1' and relation = 'core.markets'"
        ).fetchone()
    assert stored == (len(CORE["core.markets"]), 2)

    # a later run (its check step in its own process) validates what is there now
    (again,) = validate_relations(db_url, SUITE, run_id="run-2", results_dir=tmp_path)
    assert (again.rows, again.early) == (3, False)
    assert len(again.failures) == 2  # and now the halted status too


def test_only_a_run_inside_early_validation_validates_early_and_leftovers_are_dropped(
    db_url: str,
) -> None:
    assert validate_early(db_url, "elsewhere", SUITE) is None  # e.g. a daemon's run
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
    with early_validation("run-3"):
        assert validate_early(db_url, "another-run", SUITE) is None
        begin = validate_early(db_url, "run-3", SUITE)
        assert begin is not None
        begin("core.markets")
        assert ("run-3", "core.markets") in _EARLY
    assert _EARLY == {}  # its check step never ran: dropped with the run
    assert validate_early(db_url, "run-3", SUITE) is None


def test_a_relation_built_again_in_the_run_is_validated_again(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
        conn.execute(MARKET, ("kalshi", "KX-A", "yes", "open", 0.41))
    with early_validation("run-5"):
        begin = validate_early(db_url, "run-5", SUITE)
        assert begin is not None
        begin("core.markets")
        _EARLY["run-5", "core.markets"].result()
        with psycopg.connect(db_url) as conn:
            conn.execute(MARKET, ("kalshi", "KX-B", "no", "open", 0.5))
        begin("core.markets")  # built again (a retried dbt step): the first result is void
        (result,) = validate_relations(db_url, SUITE, run_id="run-5")
    assert (result.rows, result.early) == (2, True)
