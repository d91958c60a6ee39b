"""The core and mart suites as Dagster asset checks (orchestration/defs/quality/checks.py): an
`expectations` check on every core and mart dbt asset, run after dbt in one step per layer;
a failed hard rule is an ERROR that does not block (the run and what is downstream go on); a real
`tradelake materialize` of a dbt model runs its check and nothing else's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from rich.console import Console
from typer.testing import CliRunner

from orchestration.defs.quality.checks import (
    core_expectations,
    dbt_expectations_check,
    mart_expectations,
)
from orchestration.lib.resources import TradelakeResource
from quality.suites import dbt_suites
from quality.suites.core import RULES as CORE
from tests.quality.test_dbt_suites import MARKET, MARKETS
from tradelake_cli.run import _summarise, print_summary

MARKETS_KEY = dg.AssetKey(["core", "markets"])


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Environment of an operator running the demo config against the test database."""
    from tradelake_cli.demo import demo_environment

    saved = dict(os.environ)
    os.environ.update(demo_environment(tmp_path))
    os.environ.update({"DATABASE_URL": db_url, "TRADELAKE_HOME": str(tmp_path)})
    yield db_url
    os.environ.clear()
    os.environ.update(saved)


def test_every_core_relation_and_mart_has_a_non_blocking_expectations_check() -> None:
    specs = [*core_expectations.check_specs, *mart_expectations.check_specs]
    assert {s.asset_key.to_user_string() for s in specs} == {
        r.replace(".", "/") for r in dbt_suites()
    }
    assert {(s.name, s.blocking) for s in specs} == {("expectations", False)}


def test_a_bad_core_row_is_an_error_that_does_not_block(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TRADELAKE_HOME", str(tmp_path))
    ran: list[str] = []

    @dg.asset(key=MARKETS_KEY)
    def markets() -> None:  # stands where dbt stands: builds core.markets, one price is 1.5
        with psycopg.connect(db_url) as conn:
            conn.execute(MARKETS)
            conn.execute(MARKET, ("kalshi", "KX-A", "yes", "open", 0.41))
            conn.execute(MARKET, ("kalshi", "KX-B", "no", "open", 1.5))

    @dg.asset(deps=[MARKETS_KEY])
    def downstream() -> None:
        ran.append("downstream")

    check = dbt_expectations_check("core_expectations", {"core.markets": CORE["core.markets"]})
    result = dg.materialize(
        [markets, downstream, check],
        resources={"tradelake": TradelakeResource()},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.asset_key, evaluation.check_name) == (MARKETS_KEY, "expectations")
    assert (evaluation.passed, evaluation.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "between(price, lo=0, hi=1, strict_lo=False), 1 rows e.g. [" in evaluation.description
    assert evaluation.metadata["failed_hard"].value == 1
    assert ran == ["downstream"] and result.success  # not blocking
    assert (tmp_path / "gx_results" / "core.markets.json").is_file()  # for the Data Docs
    # `tradelake materialize` says so, with what failed, and still exits 0
    summary = _summarise(result)
    console = Console(record=True, width=200)
    print_summary(summary, console)
    assert (
        "error (not blocking) core/markets :: expectations\n"
        "    between(price, lo=0, hi=1, strict_lo=False), 1 rows e.g. ["
    ) in console.export_text()
    assert summary.exit_code == 0


@pytest.mark.slow
def test_materializing_a_dbt_model_runs_its_expectations(cli_env: str, tmp_path: Path) -> None:
    from tradelake_cli.main import app

    selection = "+key:core/balances and kind:dbt"  # the model and the views it reads
    done = CliRunner().invoke(app, ["materialize", "--select", selection])
    assert done.exit_code == 0, done.output
    with psycopg.connect(cli_env) as conn:
        checked = conn.execute(
            "select relation, bool_and(success), count(*) from ops.check_results "
            "where suite not in ('hash_chain', 'volume') group by relation"
        ).fetchall()
    # core.balances and what it reads (positions are marked from core.markets), each validated
    built = {"core.balances", "core.markets", "core.market_history", "core.positions"}
    assert {relation for relation, _, _ in checked} == built, checked
    assert all(ok and n >= len(CORE[relation]) for relation, ok, n in checked), checked
    assert (tmp_path / "gx_results" / "core.balances.json").is_file()
    # each validated by the dbt step as soon as dbt had built it (every step runs in the CLI's
    # process), the check step taking those results
    instance = dg.DagsterInstance.get()
    (run,) = instance.get_runs(limit=1)
    evaluations = {
        record.event_log_entry.dagster_event.event_specific_data.asset_key.to_user_string(): (
            record.event_log_entry.dagster_event.event_specific_data.metadata["validated"].value
        )
        for record in instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=1000
        ).records
        if record.event_log_entry.dagster_event.event_specific_data.check_name == "expectations"
    }
    assert evaluations == {
        relation.replace(".", "/"): "by the dbt step, as it built it" for relation in built
    }
