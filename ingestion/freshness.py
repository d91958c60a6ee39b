"""Is a stream's ledger current? Read from ops.sync_runs, the record every sync leaves.

A stream is stale while its latest finished sync failed (the venue was down, refused the key,
...): its ledger keeps the last good data and everything else goes on (DESIGN principle 8).
The Dagster check `source_ok`, `tradelake materialize`'s summary and the 4h report (dbt model
int_stale_streams, same rule) all say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

HEALTH = """
with finished as (
    select sync_run_id, started_at, finished_at, status, message
    from ops.sync_runs
    where source = %(source)s and stream = %(stream)s and status <> 'running'
),
latest as (
    select status, message from finished order by sync_run_id desc limit 1
),
last_success as (
    select max(sync_run_id) as sync_run_id, max(finished_at) as finished_at
    from finished where status = 'succeeded'
),
failing as (
    select min(finished.started_at) as since, count(*) as runs
    from finished, last_success
    where finished.status = 'failed'
      and finished.sync_run_id > coalesce(last_success.sync_run_id, 0)
)
select latest.status, latest.message, last_success.finished_at, failing.since, failing.runs
from latest, last_success, failing
"""


@dataclass(frozen=True)
class StreamHealth:
    source: str
    stream: str
    status: str | None  # latest finished sync: succeeded / failed / skipped; None = never ran
    error: str | None = None
    last_success_at: datetime | None = None
    failing_since: datetime | None = None  # first failed run since the last success
    failed_runs: int = 0

    @property
    def is_stale(self) -> bool:
        return self.status == "failed"

    @property
    def name(self) -> str:
        return f"{self.source}/{self.stream}"

    def describe(self) -> str:
        """One line: what is stale, since when, and why."""
        if not self.is_stale:
            return f"{self.name}: latest sync {self.status or 'not run yet'}"
        last = (
            f"last successful sync {_utc(self.last_success_at)}"
            if self.last_success_at
            else "no successful sync yet"
        )
        return (
            f"{self.name}: {last}; failing since {_utc(self.failing_since)} "
            f"({self.failed_runs} failed run{'s' if self.failed_runs != 1 else ''}): {self.error}"
        )


def _utc(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "?"


def stream_health(conn: psycopg.Connection, source: str, stream: str) -> StreamHealth:
    row = conn.execute(HEALTH, {"source": source, "stream": stream}).fetchone()
    if row is None:
        return StreamHealth(source, stream, None)
    status, message, last_success_at, since, runs = row
    return StreamHealth(
        source,
        stream,
        status,
        error=message if status == "failed" else None,
        last_success_at=last_success_at,
        failing_since=since,
        failed_runs=runs or 0,
    )
