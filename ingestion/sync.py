"""What every source's sync function receives and returns, and the run bookkeeping around it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import httpx
import psycopg

from ingestion.db import connect
from ingestion.errors import SourceSkipped, is_venue_failure
from ingestion.http.replay import ReplayTransport
from ingestion.landing import PageLander
from ingestion.loader import LoadResult
from ingestion.pgsession import LockTimeout, is_lock_timeout, lock_timeout_message
from ingestion.roles import ingest_url
from ingestion.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SyncContext:
    """Everything a stream's sync needs. Built by the Dagster resource, the CLI or a test."""

    settings: Settings
    database_url: str
    replay_dir: Path | None = None  # recorded responses instead of live HTTP (demo, tests)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("ingestion"))
    now: Callable[[], datetime] = utc_now

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        """A session as the loaders' role (tradelake_ingest: ingestion/roles.py)."""
        return connect(ingest_url(self.database_url), autocommit=autocommit)

    def transport(self, source: str) -> httpx.BaseTransport | None:
        """None = real network; otherwise the recorded twin of `source`."""
        if self.replay_dir is None:
            return None
        return ReplayTransport.for_source(source, self.replay_dir)

    @cached_property
    def lander(self) -> PageLander:
        return PageLander(self.connect(autocommit=True))

    def close(self) -> None:
        if "lander" in self.__dict__:
            self.lander.conn.close()


@dataclass
class SyncResult:
    source: str
    stream: str
    pages: int = 0
    records: int = 0
    inserted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    conflicts: int = 0
    skipped: str | None = None
    failed: str | None = None  # the venue failed (see is_venue_failure): the stream is stale
    notes: list[str] = field(default_factory=list)

    def add(self, loaded: LoadResult, *, pages: int = 1) -> None:
        self.pages += pages
        self.records += loaded.rows + loaded.quarantined
        self.inserted += loaded.inserted
        self.duplicates += loaded.duplicates
        self.quarantined += loaded.quarantined
        self.conflicts += loaded.conflicts
        self.notes.extend(loaded.notes)

    def summary(self) -> str:
        if self.failed:
            return f"{self.source}.{self.stream}: failed, stale ({self.failed})"
        if self.skipped:
            return f"{self.source}.{self.stream}: skipped ({self.skipped})"
        return (
            f"{self.source}.{self.stream}: {self.pages} pages, {self.records} records, "
            f"{self.inserted} new, {self.quarantined} quarantined, {self.conflicts} conflicts"
        )

    def metadata(self) -> dict[str, object]:
        if self.failed:
            # Nothing is claimed about rows: pages loaded before the failure stay (each page and
            # its cursor commit together), the rest waits for the next run.
            return {"sync_status": "failed", "stale": True, "error": self.failed}
        return {
            "sync_status": "skipped" if self.skipped else "succeeded",
            "pages": self.pages,
            "records": self.records,
            "rows_inserted": self.inserted,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "conflicts": self.conflicts,
            **({"skipped": self.skipped} if self.skipped else {}),
            **({"notes": "\n".join(self.notes)} if self.notes else {}),
        }


SyncFn = Callable[[SyncContext], SyncResult]


SYNC_RUN_LOCK_CLASS = 0x7472  # advisory lock (class, sync_run_id): held while the row is running
_INT4 = 2_147_483_647
ORPHANED = (
    "interrupted: the process running this sync ended before it finished (killed, or its "
    "database connection was lost); marked failed by a later run"
)


def fail_orphaned_sync_runs(conn: psycopg.Connection) -> list[int]:
    """Mark failed every `running` row of ops.sync_runs whose process is gone: the connection
    that inserted it held an advisory lock on it until it finished, and PostgreSQL drops that
    lock when the connection ends, however it ends. Safe while other runs are in progress."""
    rows = conn.execute(
        """
        update ops.sync_runs s
        set status = 'failed', finished_at = now(), message = %s
        where s.status = 'running'
          and not exists (
              select 1 from pg_locks l
              where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                and l.database = (select oid from pg_database where datname = current_database())
                and l.classid::bigint = %s and l.objid::bigint = s.sync_run_id %% %s)
        returning s.sync_run_id
        """,
        (ORPHANED, SYNC_RUN_LOCK_CLASS, _INT4),
    ).fetchall()
    return [r[0] for r in rows]


def run_stream(ctx: SyncContext, source: str, stream: str, fn: SyncFn) -> SyncResult:
    """Run one stream's sync, recording it in ops.sync_runs.

    SourceSkipped becomes `skipped`; a venue failure (is_venue_failure) is recorded as `failed`
    and returned as `failed`, so the caller can carry on with the other sources; any other
    error is recorded and raised."""
    started = ctx.now()
    with ctx.connect(autocommit=True) as conn:
        fail_orphaned_sync_runs(conn)
        # The row is `running` exactly as long as this connection holds its liveness lock.
        row = conn.execute(
            "insert into ops.sync_runs (source, stream, started_at, status) "
            "values (%s, %s, %s, 'running') "
            "returning sync_run_id, pg_advisory_lock(%s, (sync_run_id %% %s)::int)::text",
            (source, stream, started, SYNC_RUN_LOCK_CLASS, _INT4),
        ).fetchone()
        run_id = row[0] if row else None
        try:
            result = fn(ctx)
        except SourceSkipped as exc:
            result = SyncResult(source, stream, skipped=str(exc))
            ctx.log.warning("%s.%s skipped: %s", source, stream, exc)
        except Exception as exc:
            # A lock timeout names the session that blocked us and how to end it.
            failure = (
                LockTimeout(lock_timeout_message(ctx.database_url, f"{source}.{stream}"))
                if is_lock_timeout(exc)
                else exc
            )
            message = f"{type(failure).__name__}: {failure}"[:2000]
            conn.execute(
                "update ops.sync_runs set status = 'failed', finished_at = now(), message = %s "
                "where sync_run_id = %s",
                (message, run_id),
            )
            if failure is not exc:
                raise failure from exc
            if not is_venue_failure(exc):
                raise
            ctx.log.error(
                "%s.%s: the venue failed; the ledger keeps its last good data and is stale "
                "until a sync succeeds: %s",
                source,
                stream,
                message,
            )
            return SyncResult(source, stream, failed=message)
        conn.execute(
            """
            update ops.sync_runs set status = %s, finished_at = now(), pages = %s, records = %s,
                   inserted = %s, quarantined = %s, conflicts = %s, message = %s
            where sync_run_id = %s
            """,
            (
                "skipped" if result.skipped else "succeeded",
                result.pages,
                result.records,
                result.inserted,
                result.quarantined,
                result.conflicts,
                result.skipped or ("\n".join(result.notes) or None),
                run_id,
            ),
        )
    ctx.log.info(result.summary())
    return result
