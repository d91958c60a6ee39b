"""A ledger's Great Expectations suite as a check part (issue 16): blocking, over the rows its
ledger loaded since its last validation, every outcome kept in ops.check_results. It runs in the
ledger's combined check step (orchestration/lib/ingest.py `ledger_checks`), beside the chain and
conflict checks that also block dbt: one step per ledger, not one per check."""

from functools import cache

import dagster as dg

from ingestion.settings import tradelake_home
from orchestration.lib.checks import CheckPart
from orchestration.lib.resources import TradelakeResource
from quality.docs import results_dir
from quality.rules import Rule

CHECK = "expectations"


@cache
def ledger_suites() -> dict[str, list[Rule]]:
    """Every ledger's rules (quality/suites `suites()`), built once per process."""
    from quality.suites import suites

    return suites()


def ledger_suite(table: str) -> list[Rule] | None:
    """The ledger's rules, None for a table without a suite."""
    return ledger_suites().get(table)


def expectations_part(key: dg.AssetKey, table: str, rules: list[Rule]) -> CheckPart:
    spec = dg.AssetCheckSpec(
        CHECK,
        asset=key,
        blocking=True,
        description=(
            f"Great Expectations suite ledger.{table} (quality/suites) over the rows loaded "
            f"since its last validation; outcomes in ops.check_results. Rules: "
            + "; ".join(r.describe() for r in rules)
        ),
    )

    def evaluate(
        context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource
    ) -> dg.AssetCheckResult:
        from quality.validate import validate_ledgers

        (result,) = validate_ledgers(
            tradelake.ingest_url(),
            {table: rules},
            run_id=context.run.run_id,
            results_dir=results_dir(tradelake_home()),
        )
        failures = result.failures
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK,
            passed=not failures,
            description=(
                "; ".join(f.line() for f in failures)
                or f"{result.rows} new rows, {len(result.outcomes)} expectations met"
            ),
            metadata={
                "rows_validated": result.rows,
                "expectations": len(result.outcomes),
                "failed": len(failures),
            },
        )

    return CheckPart(spec, evaluate)
