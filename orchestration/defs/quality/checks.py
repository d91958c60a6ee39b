"""Great Expectations suites of the ledgers: one blocking asset check `expectations` per ledger
(issue 16).

Each validates the rows its ledger loaded since its last validation against its suite in
quality/suites, and keeps every outcome in ops.check_results. A failed expectation fails the
check, which is blocking: dbt, downstream of every ledger, does not run on rows the suites
refused. (One multi-asset check for every ledger would import Great Expectations once, but it
made Dagster split the dbt step to order it around the check step; the run's steps share one
process, so Great Expectations is imported once per run anyway.)
"""

import dagster as dg

from orchestration.lib.ingest import ledger_key
from orchestration.lib.resources import TradelakeResource
from quality.rules import Rule
from quality.suites import suites

CHECK = "expectations"


def expectations_check(table: str, rules: list[Rule]) -> dg.AssetChecksDefinition:
    described = "; ".join(r.describe() for r in rules)

    @dg.asset_check(
        asset=ledger_key(table),
        name=CHECK,
        blocking=True,
        description=(
            f"Great Expectations suite ledger.{table} (quality/suites) over the rows loaded "
            f"since its last validation; outcomes in ops.check_results. Rules: {described}"
        ),
    )
    def _check(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        from quality.validate import validate_ledgers

        (result,) = validate_ledgers(
            tradelake.ingest_url(), {table: rules}, run_id=context.run.run_id
        )
        failures = result.failures
        return dg.AssetCheckResult(
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

    return _check


ledger_expectations = [expectations_check(table, rules) for table, rules in suites().items()]
