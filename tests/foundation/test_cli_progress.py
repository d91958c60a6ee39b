"""What the CLI's progress reader learns from a run's events (tradelake_cli/run.py `_update`):
the bar's count, and when Great Expectations is about to be needed (a source loaded rows, or a
dbt step started), so that its background import starts then and not while the run only syncs
nothing new (docs/benchmarks.md, tenth pass). A real Dagster run on an ephemeral instance."""

from __future__ import annotations

import dagster as dg
from rich.console import Console
from rich.progress import Progress

from tradelake_cli.run import _Seen, _update


@dg.asset
def ledger__quiet() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows_inserted": 0, "records": 4})


@dg.asset
def ledger__busy() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows_inserted": 2, "records": 2})


@dg.asset(deps=[ledger__quiet])
def fake_dbt() -> None:
    return None


def seen_after(*assets: dg.AssetsDefinition) -> _Seen:
    seen = _Seen(dbt_steps=frozenset({"fake_dbt"}))
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(list(assets), instance=instance)
        assert result.success
        with Progress(console=Console(quiet=True)) as progress:
            task = progress.add_task("starting", total=len(assets))
            _update(progress, task, instance, result.run_id, seen)
            assert progress.tasks[0].completed == len(assets)
    return seen


def test_a_run_that_loads_nothing_new_and_runs_no_dbt_needs_no_great_expectations() -> None:
    seen = seen_after(ledger__quiet)
    assert (seen.materialized, seen.loaded, seen.dbt_started) == (1, False, False)


def test_a_source_that_loaded_rows_calls_for_great_expectations() -> None:
    seen = seen_after(ledger__quiet, ledger__busy)
    assert (seen.materialized, seen.loaded, seen.dbt_started) == (2, True, False)


def test_a_dbt_step_calls_for_great_expectations() -> None:
    seen = seen_after(ledger__quiet, fake_dbt)
    assert (seen.materialized, seen.loaded, seen.dbt_started) == (2, False, True)
    assert seen.step == "fake_dbt"
