"""`tradelake materialize`: the schedules' job, run in process, with progress and a summary."""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from orchestration.lib.dbt_forkserver import ForkServer
from orchestration.lib.partial_parse import DBT_PROJECT_DIR

JOB_NAME = "tradelake_all"
PLUMBING = ("staging", "intermediate")


class SelectionError(Exception):
    pass


@dataclass
class RunSummary:
    success: bool
    run_id: str
    materialized: list[tuple[str, dict]] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)
    failed_checks: list[tuple[str, str, bool]] = field(default_factory=list)  # key, name, blocking
    # what a failed blocking check said (e.g. schema_drift: the drifted field and its page), and
    # a non-blocking one with ERROR severity (a core or mart suite's broken unit promise)
    check_details: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: set[tuple[str, str]] = field(default_factory=set)  # non-blocking ERROR: key, name
    passed_checks: int = 0
    stale: list[str] = field(default_factory=list)  # "okx/fills: since when; the error", each
    log_path: Path | None = None
    database_lost: str | None = None  # the database went away during the run: exit 2
    digest: Path | None = None  # the ledger chain heads written after the run (ingestion/chain.py)
    digest_error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.database_lost:
            return 2
        blocking = [c for c in self.failed_checks if c[2]]
        ok = self.success and not self.failed_steps and not blocking and not self.stale
        return 0 if ok else 1


def load_definitions() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs()


def resolve_selection(defs: dg.Definitions, select: str | None) -> list[dg.AssetKey] | None:
    if not select:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.BetaWarning)  # group selection's include_sources
            selection = dg.AssetSelection.from_string(select)
            keys = selection.resolve(defs.resolve_asset_graph())
    except Exception as exc:
        raise SelectionError(
            f"--select {select!r} is not a valid asset selection ({exc}). "
            "Examples: 'group:kalshi', 'key:ledger/espn_game_observations', 'key:core/*'"
        ) from exc
    if not keys:
        raise SelectionError(f"--select {select!r} matches no asset; see `tradelake dev` for names")
    return sorted(keys)


def log_file(run_id: str) -> Path:
    from ingestion.settings import tradelake_home

    path = tradelake_home() / "logs" / f"materialize-{run_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _run_output(console: Console, path: Path | None):
    """Dagster's event log and dbt's console lines go to `path` (the terminal keeps the progress
    bar and the summary); with `path` None (TRADELAKE_VERBOSE=1) they stream as usual."""
    if path is None:
        yield
        return
    pinned = console.file  # the progress bar keeps writing to the real terminal
    with (
        path.open("w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        console.file = pinned
        try:
            yield
        finally:
            console.file = None  # type: ignore[assignment]  # back to following sys.stdout


def dbt_run_config(selected: set[str]) -> dict:
    """Run config that makes the run's dbt steps (`dbt_ops`) a `--full-refresh` (there must be
    some)."""
    if not selected:
        raise SelectionError(
            "--full-refresh rebuilds dbt models, but the selection has none; add them, e.g. "
            "--select 'group:dbt_staging or group:dbt_intermediate or group:dbt_core or "
            "group:dbt_marts', or leave out --select"
        )
    return {"ops": {op: {"config": {"full_refresh": True}} for op in sorted(selected)}}


def dbt_ops(defs: dg.Definitions, keys: list[dg.AssetKey] | None) -> set[str]:
    """The dbt steps (ops) a run of `keys` (None: everything) executes."""
    from orchestration.defs.dbt.assets import DBT_OPS

    return {
        assets.node_def.name
        for assets in defs.assets or ()
        if isinstance(assets, dg.AssetsDefinition)
        and assets.node_def.name in DBT_OPS
        and (keys is None or set(assets.keys) & set(keys))
    }


def materialize(
    select: str | None,
    console: Console,
    *,
    full_refresh: bool = False,
    wait: bool = True,
    notify=None,
) -> RunSummary:
    """Run under the run lock (one run per database; runlock.py): waits for another run, or
    raises RunLockBusy when `wait` is False."""
    from ingestion.db import connect, database_url
    from ingestion.sync import fail_orphaned_sync_runs
    from tradelake_cli.runlock import fail_orphaned_dagster_runs, run_lock

    url = database_url()
    say = notify or console.print
    with run_lock(url, wait=wait, notify=say):
        # No other run is in progress: whatever a killed run left `running` is orphaned.
        with connect(url, autocommit=True) as conn:
            syncs = fail_orphaned_sync_runs(conn)
        runs = fail_orphaned_dagster_runs(dg.DagsterInstance.get())
        if syncs or runs:
            say(
                f"an earlier run was interrupted: marked {len(syncs)} sync(s) in ops.sync_runs "
                f"and {len(runs)} Dagster run(s) failed"
            )
        # started before the definitions load, so that it imports dbt and parses the project
        # beside them
        with ForkServer(DBT_PROJECT_DIR) as dbt_server:
            return _materialize(select, console, full_refresh=full_refresh, dbt_server=dbt_server)


def _materialize(
    select: str | None, console: Console, *, full_refresh: bool, dbt_server: ForkServer
) -> RunSummary:
    from tradelake_cli.runlock import CLI_RUN_TAG

    defs = load_definitions()
    keys = resolve_selection(defs, select)
    steps = dbt_ops(defs, keys)
    if not steps:
        dbt_server.stop()
    run_config = dbt_run_config(steps) if full_refresh else None
    job = defs.resolve_job_def(JOB_NAME)
    instance = dg.DagsterInstance.get()
    # Dagster's PostgreSQL storage opens a new connection for every event it stores (NullPool)
    # unless told, as its webserver tells it, to keep a pool: a run stores thousands of events.
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=10)
    # Great Expectations is imported in the background once a suite will need it: when a source
    # has loaded rows (its ledger's suite validates them) or a dbt step starts (its relations are
    # validated as dbt builds them). Not before: while the run plans, or syncs nothing new, the
    # import (≈ 5 s of CPU) competes with it for the interpreter (docs/benchmarks.md, tenth pass).
    warm = _validates(defs, keys)
    run_id = str(uuid.uuid4())
    total = len(keys) if keys else len(defs.resolve_asset_graph().get_all_asset_keys())
    holder: dict[str, object] = {}

    def target() -> None:
        from quality.validate import early_validation

        try:
            # every step runs in this process: a dbt step may validate what it has built early
            with early_validation(run_id):
                holder["result"] = job.execute_in_process(
                    run_config=run_config,
                    instance=instance,
                    raise_on_error=False,
                    asset_selection=keys,
                    run_id=run_id,
                    tags={CLI_RUN_TAG: str(os.getpid())},
                )
        except Exception as exc:  # surfaced below as a readable failure
            holder["error"] = exc

    worker = threading.Thread(target=target, name="tradelake-materialize")
    path = None if os.environ.get("TRADELAKE_VERBOSE") else log_file(run_id)
    with (
        _run_output(console, path),
        Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=False,
        ) as progress,
    ):
        task = progress.add_task("starting", total=total)
        seen = _Seen(dbt_steps=frozenset(steps))
        worker.start()
        while worker.is_alive():
            _update(progress, task, instance, run_id, seen)
            if warm and (seen.loaded or seen.dbt_started):
                from quality.validate import prewarm

                prewarm()
                warm = False
            worker.join(0.5)
        _update(progress, task, instance, run_id, seen)
    if "error" in holder:
        raise holder["error"]  # type: ignore[misc]
    summary = _summarise(holder["result"])  # type: ignore[arg-type]
    summary.log_path = path
    if not summary.database_lost:
        _digest(summary, instance, run_id)
    return summary


def _validates(defs: dg.Definitions, keys: list[dg.AssetKey] | None) -> bool:
    """Whether the run executes a Great Expectations suite (an `expectations` check on a ledger
    or a dbt relation it materializes)."""
    from orchestration.defs.quality.checks import CHECK

    checked = {
        check.asset_key
        for check in defs.resolve_asset_graph().asset_check_keys
        if check.name == CHECK
    }
    return bool(checked if keys is None else checked & set(keys))


def _digest(summary: RunSummary, instance: dg.DagsterInstance, run_id: str) -> None:
    """What the digest sensors do after a daemon's run (sensors do not run in process)."""
    from orchestration.lib.chain import record_run_digest

    try:
        summary.digest = record_run_digest(instance, run_id).path
    except Exception as exc:  # said in the summary: the run's own result stands
        summary.digest_error = f"{type(exc).__name__}: {exc}"


@dataclass
class _Seen:
    """What the progress bar has read of the run's event log so far."""

    dbt_steps: frozenset[str] = frozenset()  # the run's dbt steps
    cursor: str | None = None
    materialized: int = 0
    loaded: bool = False  # a source sync has loaded rows
    dbt_started: bool = False  # one of dbt_steps has started
    step: str = "starting"


_PROGRESS_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
}


def _update(
    progress: Progress, task, instance: dg.DagsterInstance, run_id: str, seen: _Seen
) -> None:
    """Reads only the events stored since the last update (re-reading the whole log twice a
    second cost a third of a dbt run's CPU), and only the kinds it shows: not the check
    results, planned events and logs that are most of a run's events."""
    try:
        while True:
            page = instance.get_records_for_run(
                run_id, cursor=seen.cursor, of_type=_PROGRESS_EVENTS, limit=1000
            )
            for record in page.records:
                event = record.event_log_entry.dagster_event
                if event is None:
                    continue
                seen.materialized += event.is_step_materialization
                if event.is_step_materialization and not seen.loaded:
                    metadata = event.step_materialization_data.materialization.metadata
                    inserted = metadata.get("rows_inserted")
                    seen.loaded = bool(getattr(inserted, "value", 0))
                if event.is_step_start and event.step_key in seen.dbt_steps:
                    seen.dbt_started = True
                seen.step = event.step_key or seen.step
            seen.cursor = page.cursor
            if not page.has_more:
                break
    except Exception:
        return
    progress.update(task, completed=seen.materialized, description=f"materializing ({seen.step})")


def _summarise(result: dg.ExecuteInProcessResult) -> RunSummary:
    from ingestion.pgsession import error_info_lost
    from orchestration.lib.ingest import SOURCE_OK, STALE_STREAMS

    summary = RunSummary(success=result.success, run_id=result.run_id)
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization  # type: ignore[union-attr]
        meta = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
        summary.materialized.append((mat.asset_key.to_user_string(), meta))
    for event in result.get_step_failure_events():
        user_failure = event.step_failure_data.user_failure_data
        if user_failure and STALE_STREAMS in (user_failure.metadata or {}):
            continue  # a stale stream's check step: listed once below, from its evaluation
        error = event.step_failure_data.error
        message = error.message.strip().splitlines()[0] if error else "failed"
        summary.failed_steps.append((event.step_key or "?", message))
        summary.database_lost = summary.database_lost or (error_info_lost(error) if error else None)
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            summary.passed_checks += 1
        elif evaluation.check_name == SOURCE_OK:
            summary.stale.append((evaluation.description or "").removeprefix("stale: "))
        else:
            error = evaluation.severity == dg.AssetCheckSeverity.ERROR
            blocking = evaluation.blocking and error
            key = evaluation.asset_key.to_user_string()
            summary.failed_checks.append((key, evaluation.check_name, blocking))
            if error and not blocking:
                summary.errors.add((key, evaluation.check_name))
            if error and evaluation.description:
                summary.check_details[(key, evaluation.check_name)] = evaluation.description
    return summary


def print_summary(summary: RunSummary, console: Console) -> None:
    table = Table(title="materialized", show_lines=False)
    table.add_column("asset")
    table.add_column("result")
    # Staging/intermediate models (views and a few incremental tables) are plumbing: counted,
    # not listed.
    plumbing = [k for k, _ in summary.materialized if k.split("/")[0] in PLUMBING]
    for key, meta in sorted(summary.materialized):
        if key.split("/")[0] in PLUMBING:
            continue
        if meta.get("stale"):
            detail = "[red]stale[/]: sync failed, last good data kept"
        elif "skipped" in meta:
            detail = f"[yellow]skipped[/]: {escape(str(meta['skipped']))}"
        elif "rows_inserted" in meta:
            detail = (
                f"{meta.get('rows_inserted')} new rows, {meta.get('quarantined', 0)} quarantined"
            )
        elif "dagster/row_count" in meta:
            detail = f"{meta['dagster/row_count']} rows"
        else:
            detail = "ok"
        table.add_row(key, detail)
    if plumbing:
        table.add_row("staging/*, intermediate/*", f"{len(plumbing)} dbt models built")
    console.print(table)
    failed = len(summary.failed_checks) + len(summary.stale)
    console.print(f"checks: {summary.passed_checks} passed, {failed} failed")
    for key, name, blocking in summary.failed_checks:
        if blocking:
            level = "[red]BLOCKING[/]"
        elif (key, name) in summary.errors:  # failed, shown as such, but nothing waits on it
            level = "[red]error[/] (not blocking)"
        else:
            level = "[yellow]warning[/]"
        console.print(f"  {level} {key} :: {name}")
        detail = summary.check_details.get((key, name))
        if detail:
            console.print(f"    {escape(detail[:500])}")
    for step, message in summary.failed_steps:
        console.print(f"[red]failed[/] {step}: {escape(message)}")
    if summary.digest is not None:
        console.print(
            f"ledger chain heads written to {escape(str(summary.digest))}", soft_wrap=True
        )
    if summary.digest_error:
        console.print(
            f"[red]the ledger chain digest was not written[/]: {escape(summary.digest_error)}"
        )
    # One line each, never wrapped: what is stale, since when, and the venue's error.
    for line in sorted(summary.stale):
        console.print(f"[red]stale[/] {escape(line)}", soft_wrap=True)
    if summary.stale:
        console.print(
            f"{len(summary.stale)} stream(s) stale: their venue failed, their ledgers keep the "
            "last good data, and the rest of the run went on without them",
            soft_wrap=True,
        )
    if summary.database_lost:
        console.print(
            "[red]the database stopped answering during the run[/] "
            f"({escape(summary.database_lost)}); start it again (or check DATABASE_URL) and "
            "run again: the next run completes what this one left undone"
        )
    verdict = "[green]succeeded[/]" if summary.exit_code == 0 else "[red]failed[/]"
    console.print(f"run {summary.run_id} {verdict}")
    if summary.log_path is not None:
        console.print(f"full log (Dagster events, dbt output): {summary.log_path}")
