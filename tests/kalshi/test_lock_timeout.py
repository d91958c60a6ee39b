"""A loader blocked by a reader's lock gives up after TRADELAKE_LOCK_TIMEOUT and names the
session that holds the lock (issue #20 part 3)."""

from __future__ import annotations

import time

import psycopg
import pytest

from ingestion.kalshi.sync import sync_fills
from ingestion.pgsession import LockTimeout
from ingestion.sync import run_stream


def test_blocked_loader_fails_fast_naming_the_blocking_session(kalshi_ctx, db_url, monkeypatch):
    monkeypatch.setenv("TRADELAKE_LOCK_TIMEOUT", "1s")
    with psycopg.connect(db_url, application_name="analyst-notebook") as analyst:
        analyst.execute("lock table ledger.kalshi_fills in share mode")  # and stays idle
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught:
            run_stream(kalshi_ctx(), "kalshi", "fills", sync_fills)
        elapsed = time.monotonic() - started
        message = str(caught.value)
        pid = analyst.info.backend_pid
        analyst.rollback()
    assert elapsed < 15, elapsed
    assert "kalshi.fills gave up after waiting 1 s for a lock (TRADELAKE_LOCK_TIMEOUT)" in message
    assert f"pid {pid} (user " in message and "application 'analyst-notebook'" in message
    assert "idle in transaction for" in message
    assert "ShareLock on ledger.kalshi_fills" in message
    assert f"select pg_terminate_backend({pid})" in message
    with psycopg.connect(db_url) as conn:
        status, stored = conn.execute(
            "select status, message from ops.sync_runs order by sync_run_id desc limit 1"
        ).fetchone()
    assert status == "failed" and stored.startswith("LockTimeout: kalshi.fills gave up")

    # once the analyst's transaction ends, the same stream loads
    assert run_stream(kalshi_ctx(), "kalshi", "fills", sync_fills).inserted == 6
