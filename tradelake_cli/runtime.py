"""Process environment for the CLI: state folder, database, Dagster home on the same PostgreSQL."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import urlencode

from ingestion.db import DatabaseUnavailable, connect, database_url, sqlalchemy_url
from ingestion.pgsession import is_lock_timeout, libpq_options, lock_timeout_message
from ingestion.roles import announce, dbt_env
from ingestion.settings import tradelake_home

DAGSTER_YAML = """\
# Written by tradelake: run history, events and schedules live in the data PostgreSQL.
# The event log is dagster-postgres's, remembering which of its tables exist
# (orchestration/lib/dagster_storage.py).
run_storage:
  module: dagster_postgres.run_storage
  class: PostgresRunStorage
  config:
    postgres_url:
      env: TRADELAKE_DAGSTER_PG_URL
event_log_storage:
  module: orchestration.lib.dagster_storage
  class: EventLogStorage
  config:
    postgres_url:
      env: TRADELAKE_DAGSTER_PG_URL
schedule_storage:
  module: dagster_postgres.schedule_storage
  class: PostgresScheduleStorage
  config:
    postgres_url:
      env: TRADELAKE_DAGSTER_PG_URL
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
"""


notices: list[str] = []  # what prepare() found that the command should print (once)


EVENT_BATCH_SIZE = 1000  # events in one insert at most (a few kB each)


def quiet_warnings() -> None:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")


def prepare(*, run_migrations: bool = True) -> str:
    """Resolve the database (starting the embedded one), migrate, and export what the
    Dagster instance, the code server and dbt need. Returns the database URL."""
    quiet_warnings()
    home = tradelake_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["TRADELAKE_HOME"] = str(home)
    url = database_url()
    connect(url, connect_timeout=10).close()  # DatabaseUnavailable names the fix
    # Every libpq session of this process and its children (Dagster storage, migrations, dbt)
    # gives up on a lock after TRADELAKE_LOCK_TIMEOUT (ingestion/pgsession.py).
    os.environ["PGOPTIONS"] = libpq_options(os.environ.get("PGOPTIONS"))
    if run_migrations:
        from ingestion.schema import migrate  # alembic + SQLAlchemy: only when migrating

        try:
            migrate(url)
        except Exception as exc:
            if not is_lock_timeout(exc):
                raise
            raise DatabaseUnavailable(lock_timeout_message(url, "the migration")) from exc
    # Said once, by the command (before dbt_env below could log it).
    notices.clear()
    notices.extend(filter(None, [announce(url)]))
    # Children (dagster dev, dbt) reuse the same server without starting another.
    os.environ["DATABASE_URL"] = url
    os.environ["TRADELAKE_DAGSTER_PG_URL"] = dagster_storage_url(url)
    os.environ.update(dbt_env(url))
    os.environ["DAGSTER_HOME"] = str(dagster_home(home))
    # A run's planned events reach the event log as batches, which ours writes in three
    # statements instead of one to three per event (orchestration/lib/dagster_storage.py).
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # A partial selection runs only the tests whose every parent it builds: a relationships
    # test to a model outside the selection would read a relation that may not exist yet.
    os.environ.setdefault("DBT_INDIRECT_SELECTION", "cautious")
    return url


def dagster_storage_url(url: str) -> str:
    """The SQLAlchemy URL Dagster's run, event and schedule storage use: the same database, with
    the lock timeout, and `synchronous_commit=off` for those sessions only.

    A run stores an event per step, materialization and check result (≈ 3,000 for a whole
    run), each in its own commits; waiting for the WAL flush of every one of them took ≈ 2–3 ms
    a commit on the embedded server (re-storing 1,200 events of a run: 6.2 ms an event with the
    wait, 1.9 ms without; docs/benchmarks.md). Without the wait a crash of the machine (not of
    PostgreSQL) can lose the last fraction of a second of run history; the database stays
    consistent, and the ledgers, written on their own sessions, keep the server's setting
    (`on`).
    """
    options = libpq_options(os.environ.get("PGOPTIONS"))
    if "synchronous_commit" not in options:
        options = f"{options} -c synchronous_commit=off"
    base = sqlalchemy_url(url, driver="psycopg2")
    return f"{base}{'&' if '?' in base else '?'}{urlencode({'options': options.strip()})}"


def dagster_home(home: Path) -> Path:
    path = home / "dagster"
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return path
