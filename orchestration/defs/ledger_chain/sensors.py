"""After every run (daemon, schedules, UI), finished or failed, the ledger chain heads go into a
digest file outside the database. `tradelake materialize` runs in process, where sensors do not
run, so it calls the same `record_run_digest` itself (tradelake_cli/run.py)."""

import dagster as dg

from orchestration.lib.chain import record_run_digest


def _digest(context: dg.RunStatusSensorContext) -> None:
    written = record_run_digest(context.instance, context.dagster_run.run_id)
    if written.path is not None:
        context.log.info(f"ledger chain heads written to {written.path}")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="ledger_digest_after_success",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes the ledger chain heads to $TRADELAKE_HOME/digests after a run.",
)
def ledger_digest_after_success(context: dg.RunStatusSensorContext) -> None:
    _digest(context)


@dg.run_failure_sensor(
    name="ledger_digest_after_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rows a failed run loaded are digested too.",
)
def ledger_digest_after_failure(context: dg.RunFailureSensorContext) -> None:
    _digest(context)
