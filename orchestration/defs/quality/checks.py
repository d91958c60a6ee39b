"""Great Expectations suites (issue 16): of the core relations and marts, an `expectations`
check on each dbt asset, after dbt; and a `volume` warning per ledger. Each keeps every outcome
in ops.check_results.

A ledger's own blocking `expectations` check (the rows it loaded since its last validation) runs
in the ledger's combined check step: orchestration/lib/expectations.py, through
orchestration/lib/ingest.py `ledger_checks`. dbt, downstream of every ledger, does not run on
rows the suites refused. (One multi-asset check for every ledger would import Great
Expectations once, but it made Dagster split the dbt step to order it around the check step;
the run's steps share one process, so Great Expectations is imported once per run anyway.)
"""

import dagster as dg

from ingestion.settings import tradelake_home
from orchestration.lib.expectations import CHECK, ledger_suites
from orchestration.lib.ingest import ledger_key
from orchestration.lib.resources import TradelakeResource
from quality.docs import results_dir
from quality.rules import Rule
from quality.suites import core, marts

VOLUME_CHECK = "volume"


def relation_key(relation: str) -> dg.AssetKey:
    """`core.fills` -> the dbt asset core/fills (orchestration/lib/dbt.py's translator)."""
    return dg.AssetKey(relation.split("."))


def dbt_expectations_check(name: str, layer: dict[str, list[Rule]]) -> dg.AssetChecksDefinition:
    """One step for every relation of a dbt layer (one import, one GX context, one query asset
    per relation), after dbt has built them; an `expectations` check on each relation's asset.

    Non-blocking: a blocking check on a model would make Dagster split the dbt build around it
    (the models downstream of it run in the same dbt invocation). A failed hard rule (a unit or
    contract promise, quality/rules.py) is an ERROR, the rest WARN; the 4h report lists both."""
    specs = [
        dg.AssetCheckSpec(
            CHECK,
            asset=relation_key(relation),
            blocking=False,
            description=(
                f"Great Expectations suite {relation} (quality/suites) over the whole relation "
                f"after dbt built it; outcomes in ops.check_results. Rules: "
                + "; ".join(r.describe() + ("" if r.hard else " [warn]") for r in rules)
            ),
        )
        for relation, rules in layer.items()
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True)
    def _check(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        from quality.validate import validate_relations

        selected = {key.asset_key for key in context.selected_asset_check_keys}
        chosen = {r: rules for r, rules in layer.items() if relation_key(r) in selected}
        results = {
            r.relation: r
            for r in validate_relations(
                tradelake.database_url(),
                chosen,
                run_id=context.run.run_id,
                results_dir=results_dir(tradelake_home()),
            )
        }
        for relation in chosen:
            yield _dbt_result(relation, results.get(relation))

    return _check


def _dbt_result(relation: str, result) -> dg.AssetCheckResult:
    if result is None:  # dbt did not build it (its build failed, or it never ran)
        return dg.AssetCheckResult(
            asset_key=relation_key(relation),
            check_name=CHECK,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{relation} does not exist: nothing validated",
        )
    hard = result.hard_failures
    failures = hard + [f for f in result.failures if not f.rule.hard]
    return dg.AssetCheckResult(
        asset_key=relation_key(relation),
        check_name=CHECK,
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR if hard else dg.AssetCheckSeverity.WARN,
        description=(
            "; ".join(f.line() + ("" if f.rule.hard else " [warn]") for f in failures)
            or f"{result.rows} rows, {len(result.outcomes)} expectations met"
        ),
        metadata={
            "rows_validated": result.rows,
            "expectations": len(result.outcomes),
            "failed": len(failures),
            "failed_hard": len(hard),
            # `tradelake materialize` validates a relation as soon as dbt has built it
            "validated": "by the dbt step, as it built it" if result.early else "in this step",
        },
    )


core_expectations = dbt_expectations_check("core_expectations", core.RULES)
mart_expectations = dbt_expectations_check("mart_expectations", marts.RULES)


def volume_check(tables: list[str]) -> dg.AssetChecksDefinition:
    """One step, one query per ledger: its last complete UTC day against its own history
    (quality/volume.py, thresholds `quality.volume` in tradelake.yaml). A WARN, never blocking."""
    specs = [
        dg.AssetCheckSpec(
            VOLUME_CHECK,
            asset=ledger_key(table),
            blocking=False,
            description=(
                f"ledger.{table}: the rows loaded on the last complete UTC day against the "
                "median of the days before (quality.volume in tradelake.yaml); WARN when a day "
                "is nearly empty where the stream usually loads hundreds."
            ),
        )
        for table in tables
    ]

    @dg.multi_asset_check(specs=specs, name="ledger_volume", can_subset=True)
    def _check(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        from quality.volume import Threshold, check_volumes

        configured = tradelake.settings().config.quality.volume
        threshold = Threshold(**configured.model_dump())
        selected = {key.asset_key for key in context.selected_asset_check_keys}
        chosen = [t for t in tables if ledger_key(t) in selected]
        volumes = check_volumes(
            tradelake.ingest_url(),
            [f"ledger.{t}" for t in chosen],
            run_id=context.run.run_id,
            threshold=threshold,
        )
        for table, volume in zip(chosen, volumes, strict=True):
            yield dg.AssetCheckResult(
                asset_key=ledger_key(table),
                check_name=VOLUME_CHECK,
                passed=not volume.warns,
                severity=dg.AssetCheckSeverity.WARN,
                description=volume.describe(),
                metadata={
                    "day": str(volume.day),
                    "rows": volume.observed,
                    "expected": volume.expected,
                },
            )

    return _check


ledger_volume = volume_check(sorted(ledger_suites()))
