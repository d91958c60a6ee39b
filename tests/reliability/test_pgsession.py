"""TRADELAKE_LOCK_TIMEOUT parsing, the libpq options carrying it, and which errors mean the
database went away (exit 2) rather than a venue or a lock."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from ingestion.pgsession import (
    LockTimeoutConfigError,
    connection_lost,
    is_lock_timeout,
    libpq_options,
    lock_timeout_ms,
)


def test_lock_timeout_values() -> None:
    assert lock_timeout_ms({}) == 60_000
    assert lock_timeout_ms({"TRADELAKE_LOCK_TIMEOUT": "2"}) == 2_000
    assert lock_timeout_ms({"TRADELAKE_LOCK_TIMEOUT": "500ms"}) == 500
    assert lock_timeout_ms({"TRADELAKE_LOCK_TIMEOUT": "5min"}) == 300_000
    assert lock_timeout_ms({"TRADELAKE_LOCK_TIMEOUT": "0"}) == 0
    with pytest.raises(LockTimeoutConfigError, match="TRADELAKE_LOCK_TIMEOUT='soon'"):
        lock_timeout_ms({"TRADELAKE_LOCK_TIMEOUT": "soon"})


def test_options_add_the_timeout_and_keep_the_operators() -> None:
    assert libpq_options(None, {}) == "-c lock_timeout=60000"
    assert libpq_options("-c search_path=x", {}) == "-c search_path=x -c lock_timeout=60000"
    assert libpq_options("-c lock_timeout=5", {}) == "-c lock_timeout=5"  # the operator's own
    explicit = {"TRADELAKE_LOCK_TIMEOUT": "2s"}
    assert libpq_options("-c lock_timeout=5 -c x=y", explicit) == "-c x=y -c lock_timeout=2000"


def test_what_counts_as_a_lost_database() -> None:
    shutdown = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    assert connection_lost(shutdown) == "terminating connection due to administrator command"
    wrapped = RuntimeError("step failed")
    wrapped.__cause__ = shutdown
    assert connection_lost(wrapped) == "terminating connection due to administrator command"
    assert connection_lost(httpx.ConnectError("[Errno 111] Connection refused")) is None
    lock = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    assert is_lock_timeout(lock) and connection_lost(lock) is None


def test_a_dbt_session_whose_process_died_mid_lock_wait_ends_within_seconds(db_url: str) -> None:
    """dbt cancels its own queries when interrupted; one that dies before it can (kill -9, OOM)
    must not leave its query waiting on a lock: dbt's sessions check that the client is still
    there (ingestion/roles.py dbt_env)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from ingestion.roles import dbt_env

    options = dbt_env(db_url)["PGOPTIONS"]
    assert "client_connection_check_interval=" in options
    with psycopg.connect(db_url, autocommit=True) as watcher:
        watcher.execute("create table held (x int)")
        holder = psycopg.connect(db_url)
        holder.execute("lock table held in access exclusive mode")
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import psycopg, sys; c = psycopg.connect(sys.argv[1], application_name="
                "'dying-dbt'); c.execute('select * from held')",
                db_url,
            ],
            env={**os.environ, "PGOPTIONS": options},
        )
        try:
            waiting = "select count(*) from pg_stat_activity where application_name = 'dying-dbt' "
            deadline = time.monotonic() + 60
            while not watcher.execute(waiting + "and wait_event_type = 'Lock'").fetchone()[0]:
                assert time.monotonic() < deadline, "the child never waited on the lock"
                time.sleep(0.05)
            child.send_signal(signal.SIGKILL)  # no cancel, no goodbye to the server
            child.wait()
            deadline = time.monotonic() + 15  # the check runs every 2 s
            while watcher.execute(waiting).fetchone()[0]:
                assert time.monotonic() < deadline, "the dead client's query still waits"
                time.sleep(0.1)
        finally:
            child.kill()
            holder.close()


def test_dbts_options_add_the_client_check_unless_the_operator_set_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingestion.roles import dbt_env

    url = "postgresql://owner:secret@db.example:5432/tradelake"
    monkeypatch.delenv("PGOPTIONS", raising=False)
    monkeypatch.delenv("TRADELAKE_LOCK_TIMEOUT", raising=False)
    monkeypatch.delenv("TRADELAKE_DBT_DATABASE_URL", raising=False)
    assert dbt_env(url)["PGOPTIONS"] == (
        "-c lock_timeout=60000 -c client_connection_check_interval=2s"
    )
    monkeypatch.setenv("PGOPTIONS", "-c client_connection_check_interval=0")  # Windows server
    assert (
        dbt_env(url)["PGOPTIONS"] == "-c client_connection_check_interval=0 -c lock_timeout=60000"
    )
