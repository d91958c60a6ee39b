"""One `tradelake materialize`/`demo` run at a time per database, and cleanup after a crash.

Two runs at once would race on the same dbt relations (`relation ... already exists`) and the
same cursors. The run lock is a PostgreSQL advisory lock on the data database, held on a
dedicated connection for the whole run: the server releases it when that connection ends, so a
killed run never leaves it behind. The second run waits with a message naming the first (or,
with --no-wait, exits 3).

Once the lock is held, no other CLI run is in progress, so whatever a killed run left marked as
running is orphaned: Dagster runs this CLI started and left STARTED are marked failed (rows of
ops.sync_runs carry their own liveness lock, see ingestion.sync.fail_orphaned_sync_runs).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg

RUN_LOCK_KEY = 0x7472_6164_656C  # "tradel": any fixed bigint; scoped to the current database
APPLICATION = "tradelake run"
CLI_RUN_TAG = "tradelake/cli_pid"  # on every Dagster run `tradelake materialize` starts
EXIT_BUSY = 3


class RunLockBusy(Exception):
    """Another run holds the lock and the caller chose not to wait."""


@dataclass(frozen=True)
class RunLock:
    conn: psycopg.Connection
    waited: float  # seconds spent waiting for another run


def _holder(conn: psycopg.Connection) -> str:
    """Who holds the run lock, as the waiting message shows it."""
    row = conn.execute(
        """
        select a.application_name, a.backend_start, a.pid
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid::bigint = %s and l.objid::bigint = %s and l.objsubid = 1
        """,
        (RUN_LOCK_KEY >> 32, RUN_LOCK_KEY & 0xFFFF_FFFF),
    ).fetchone()
    if row is None:
        return "another tradelake run"
    app, started, backend = row
    pid = re.fullmatch(rf"{APPLICATION} \(pid (\d+)\)", app or "")
    who = f"pid {pid.group(1)}" if pid else f"application {app!r}"
    when = started.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"another tradelake run ({who}, started {when}; database session {backend})"


@contextlib.contextmanager
def run_lock(
    url: str,
    *,
    wait: bool = True,
    notify: Callable[[str], None] = print,
    poll_seconds: float = 0.5,
) -> Iterator[RunLock]:
    """Hold the run lock for the duration of the block (waiting for another run if needed)."""
    conn = psycopg.connect(
        url,
        autocommit=True,
        application_name=f"{APPLICATION} (pid {os.getpid()})",
        connect_timeout=10,
    )
    started = time.monotonic()
    try:
        told = False
        while not conn.execute("select pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,)).fetchone()[0]:
            if not wait:
                raise RunLockBusy(
                    f"{_holder(conn)} holds the run lock; not waiting (--no-wait). Run again "
                    "when it has finished, or leave out --no-wait to wait for it"
                )
            if not told:
                notify(f"{_holder(conn)} holds the run lock; waiting for it to finish…")
                told = True
            time.sleep(poll_seconds)
        waited = time.monotonic() - started
        if told:
            notify(f"the other run finished after {waited:.0f} s; starting")
        yield RunLock(conn=conn, waited=waited)
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.close()  # releases the lock (also when the database went away)


def fail_orphaned_dagster_runs(instance) -> list[str]:
    """Dagster runs a killed `tradelake materialize` left STARTED/STARTING: mark them failed.
    Call only while holding the run lock (then no CLI run is in progress)."""
    import dagster as dg

    runs = instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING])
    )
    failed = []
    for run in runs:
        if CLI_RUN_TAG not in run.tags or run.tags[CLI_RUN_TAG] == str(os.getpid()):
            continue
        instance.report_run_failed(
            run,
            message=(
                f"interrupted: the `tradelake materialize` process (pid {run.tags[CLI_RUN_TAG]}) "
                "that ran it ended before the run did (killed, or its database stopped); marked "
                "failed by the next run"
            ),
        )
        failed.append(run.run_id)
    return failed
