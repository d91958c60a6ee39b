"""Every dbt model as an asset; dbt tests as asset checks; row counts and column metadata."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.lib.dbt import (
    TradelakeTranslator,
    ensure_manifest,
    lock_timed_out,
    lock_timeout_failure,
    prune_target_dirs,
)
from orchestration.lib.dbt_metadata import built_relation, built_relation_metadata
from orchestration.lib.partial_parse import keep_state
from orchestration.lib.resources import TradelakeResource
from quality.suites import dbt_suites
from quality.validate import validate_early

DBT_OP = "tradelake_dbt"
DBT_AFTER_CHALLENGES_OP = "tradelake_dbt_after_challenges"
DBT_OPS = (DBT_OP, DBT_AFTER_CHALLENGES_OP)
# what reads ledger.challenge_events, which the challenge evaluator appends after the first op
AFTER_CHALLENGES = "source:challenges+"


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description=(
            "Rebuild the incremental models (core fills, wallet events and histories, the "
            "performance marts, edges) from all of history instead of from what arrived since "
            "their watermark: after changing their logic, or to apply data that arrived later "
            "than the look-back."
        ),
    )


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    tradelake: TradelakeResource,
    config: DbtBuildConfig,
):
    tradelake.export_dbt_env()
    # dbt unit tests check the models' SQL on fixed fixture rows, not the data: their result
    # changes only with the code, so they run in the test suite (tests/analytics/
    # test_dbt_unit_tests.py), not on every build (dbt's own advice; 44 of them took 12.8 s of a
    # no-op build's thread time).
    # --no-write-json: dbt writes manifest.json (4 MB) twice and run_results.json once per
    # invocation otherwise, ≈ 0.5 s of each step, and nothing reads them: the definitions use
    # the manifest of `dbt parse` (ensure_manifest), and what a run's results say arrives as
    # the log events streamed below (docs/benchmarks.md, sixth pass).
    args = ["build", "--exclude-resource-type", "unit_test", "--no-write-json"]
    if config.full_refresh:
        args.append("--full-refresh")
    # Row counts and the built column schema (names, types) on every materialization, read on
    # one connection as each model finishes (orchestration/lib/dbt_metadata.py), not through
    # dagster-dbt's fetch_row_counts()/fetch_column_metadata(): their thread pool is drained by
    # a loop that polls without sleeping and takes a whole core from dbt while it builds.
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    locked: list[str] = []  # models that gave up waiting for a lock (TRADELAKE_LOCK_TIMEOUT)
    # In a `tradelake materialize` run (every step in this process), each core relation and
    # mart is validated with its Great Expectations suite as soon as dbt has built it, beside
    # the rest of the build; the `expectations` check step takes those results.
    validate = validate_early(tradelake.database_url(), context.run.run_id, dbt_suites())
    with built_relation_metadata(tradelake.database_url()) as attach:
        for raw in invocation.stream_raw_events():  # what invocation.stream() does, plus `locked`
            if unique_id := lock_timed_out(raw.raw_event):
                locked.append(unique_id)
            for event in raw.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            ):
                event = attach(invocation.manifest, event)
                relation = built_relation(invocation.manifest, event)
                if validate is not None and relation is not None:
                    validate(relation)
                yield event
    # A model that waited past TRADELAKE_LOCK_TIMEOUT: name the session that blocked it.
    error = (
        lock_timeout_failure(locked, invocation.manifest, tradelake.database_url())
        or invocation.get_error()
    )
    keep_state(invocation.target_path)  # the next step's parse starts from it (partial_parse.py)
    prune_target_dirs(invocation.target_path, succeeded=error is None)
    if error is not None:
        raise error


def _dbt_op(manifest, name: str, **selection: str) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=manifest, dagster_dbt_translator=TradelakeTranslator(), name=name, **selection
    )
    def build(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        tradelake: TradelakeResource,
        config: DbtBuildConfig,
    ):
        yield from _build(context, dbt, tradelake, config)

    return build


@dg.definitions
def defs() -> dg.Definitions:
    # Two dbt ops around the challenge evaluator (orchestration/defs/challenges): it reads what
    # the first builds (PnL events, price history) and appends the events the second reads (the
    # challenge marts, and the 4h report that lists them). One op for both would be a cycle.
    manifest = ensure_manifest()
    return dg.Definitions(
        assets=[
            _dbt_op(manifest, DBT_OP, exclude=AFTER_CHALLENGES),
            _dbt_op(manifest, DBT_AFTER_CHALLENGES_OP, select=AFTER_CHALLENGES),
        ]
    )
