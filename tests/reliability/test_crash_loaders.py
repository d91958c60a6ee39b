"""kill -9 of the loaders at several points, then a normal run, leaves every ledger identical to
an uninterrupted run; two loader processes at once duplicate nothing (issue #20 parts 5, 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg

from ingestion.sync import ORPHANED
from tests.reliability.crashkit import ROOT, compare, fingerprint, run_all

KILL_AFTER_PAGES = (1, 8, 30)  # raw pages landed by the killed process


def pages(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from raw.pages").fetchone()[0]


def loader_process(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crashkit"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def pages_and_running(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select (select count(*) from raw.pages), "
            "(select count(*) from ops.sync_runs where status = 'running')"
        ).fetchone()


def kill_after(url: str, landed: int, timeout: float = 120) -> bool:
    """Start the loaders, kill -9 them once `landed` more raw pages exist and a stream is in
    progress; False if they finished first."""
    before = pages(url)
    proc = loader_process(url)
    deadline = time.monotonic() + timeout
    while (state := pages_and_running(url))[0] - before < landed or not state[1]:
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the loaders made no progress"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def test_kill_9_at_several_points_then_a_normal_run_matches_an_uninterrupted_run(
    demo_env, make_db
) -> None:
    reference_url, crashed_url = make_db(), make_db()
    run_all(reference_url)
    reference = fingerprint(reference_url)
    assert sum(count for count, _ in reference.values()) > 2000  # every source loaded

    killed = [kill_after(crashed_url, n) for n in KILL_AFTER_PAGES]
    assert any(killed)
    partial = fingerprint(crashed_url)
    assert compare(reference, partial)[1] == 0  # a killed run never adds a wrong row
    run_all(crashed_url)  # the next, normal run

    assert fingerprint(crashed_url) == reference  # rows and content: nothing lost or doubled
    with psycopg.connect(crashed_url) as conn:
        statuses = dict(
            conn.execute("select status, count(*) from ops.sync_runs group by 1").fetchall()
        )
        interrupted = conn.execute(
            "select count(*) from ops.sync_runs where message = %s", (ORPHANED,)
        ).fetchone()[0]
    assert "running" not in statuses  # every stream a kill interrupted is marked failed
    assert 1 <= interrupted <= sum(killed)  # the stream in progress at each kill


def test_two_loader_processes_at_once_duplicate_nothing(demo_env, make_db) -> None:
    reference_url, shared_url = make_db(), make_db()
    run_all(reference_url)
    first, second = loader_process(shared_url), loader_process(shared_url)
    errors = [p.communicate(timeout=180)[1] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, errors
    assert fingerprint(shared_url) == fingerprint(reference_url)
