"""The dbt fork server (orchestration/lib/dbt_forkserver.py): `tradelake-dbt` runs dbt in a child
forked from a process that has imported dbt already, with the step's arguments, environment,
folder and streams, returns its exit status, and cancels it when interrupted or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestration.lib.dbt_forkserver import ENV, ForkServer
from orchestration.lib.resources import DBT_PROJECT_DIR, dbt_executable


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _serve(monkeypatch)


def _serve(monkeypatch: pytest.MonkeyPatch, project: Path | None = None) -> Iterator[str]:
    monkeypatch.delenv(ENV, raising=False)
    with ForkServer(project) as started:
        path = os.environ[ENV]
        deadline = time.monotonic() + 60
        while not Path(path).exists():  # listening once dbt is imported
            assert started.process.poll() is None, "the fork server exited"
            assert time.monotonic() < deadline, "the fork server never listened"
            time.sleep(0.05)
        yield path
    assert ENV not in os.environ
    assert not Path(path).parent.exists(), "the server's socket folder was left behind"


def tradelake_dbt(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [dbt_executable(), *args], env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_dbt_runs_forked_with_the_steps_arguments_folder_streams_and_exit_status(
    server: str, tmp_path: Path
) -> None:
    traced = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "DBT_PROFILES_DIR": str(tmp_path)}
    # a dbt error: its exit status (2) and message come back through the server
    missing = tmp_path / "no-project"
    missing.mkdir()
    # (relative to the client's folder: the child runs in it)
    served = tradelake_dbt(["ls", "--project-dir", "no-project"], traced, cwd=tmp_path)
    alone = tradelake_dbt(["ls", "--project-dir", str(missing)], {**traced, ENV: "0"})
    assert served.returncode == alone.returncode == 2
    assert "No dbt_project.yml found" in served.stdout
    assert "No dbt_project.yml found" in alone.stdout
    unknown = tradelake_dbt(["no-such-command"], traced)
    assert unknown.returncode == 2
    assert "Usage: dbt [OPTIONS] [COMMAND]" in unknown.stderr  # named as dbt, not this module
    # the forked dbt did not import dbt again: the client never did, the child had it already
    assert " dbt.cli.main" not in served.stderr
    assert " dbt.cli.main" in alone.stderr
    # success, stdout, and the client's environment: the profiles folder dbt names
    shown = tradelake_dbt(["debug", "--config-dir"], {**traced, "DBT_PROFILES_DIR": "from-env"})
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "xdg-open from-env" in shown.stdout


PROJECT = {
    "dbt_project.yml": "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n"
    "flags:\n  send_anonymous_usage_stats: false\n",
    # parsing does not connect
    "profiles.yml": "tiny:\n  target: default\n  outputs:\n    default:\n      type: postgres\n"
    "      host: /nonexistent\n      port: 5432\n      user: nobody\n      password: ''\n"
    "      dbname: tiny\n      schema: public\n      threads: 1\n",
    "models/first.sql": "select 1 as x\n",
}


def test_a_step_runs_on_the_servers_parse_until_a_file_setting_or_flag_would_change_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server parses the project once; a step gets that manifest (dbt writes no parse state
    of its own, and lists what the server parsed) unless dbt could parse something else: another
    environment, a flag such as --vars, a file added since. Then dbt parses, and stderr says
    why. What dagster-dbt sets per step (folders, console) is not a difference."""
    project = tmp_path / "tiny"
    for name, text in PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    monkeypatch.delenv("DBT_PROJECT_DIR", raising=False)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    gen = _serve(monkeypatch, project)
    next(gen)
    try:
        env = {**os.environ, "DBT_PROJECT_DIR": str(project), "DBT_PROFILES_DIR": str(project)}
        names = ["ls", "--resource-type", "model", "--output", "name"]
        ls = [*names, "--quiet"]  # the names only

        def step(name: str, args=ls, extra=None) -> tuple[subprocess.CompletedProcess, bool]:
            target = tmp_path / name
            done = tradelake_dbt(
                [*args], {**env, "DBT_TARGET_PATH": str(target), **(extra or {})}, cwd=project
            )
            assert done.returncode == 0, done.stdout + done.stderr
            return done, (target / "partial_parse.msgpack").exists()  # dbt parsed itself

        served, parsed = step("plain")
        assert not parsed and "parses the project itself" not in served.stderr, served.stderr
        assert served.stdout.split() == ["first"]
        # dagster-dbt's own settings for a step: still the server's parse (its console too)
        dagster, parsed = step(
            "dagster", args=names, extra={"DAGSTER_DBT_CLI": "true", "DBT_LOG_FORMAT": "json"}
        )
        assert not parsed and "first" in dagster.stdout.splitlines()
        other, parsed = step("other-env", extra={"TRADELAKE_SOMETHING": "1"})
        assert parsed and "first" in other.stdout
        assert "the environment differs from the server's (TRADELAKE_SOMETHING)" in other.stderr
        with_vars, parsed = step("vars", args=[*ls, "--vars", "{a: 1}"])
        assert parsed and "--vars may change what dbt parses" in with_vars.stderr
        (project / "models" / "second.sql").write_text("select 2 as x\n")
        changed, parsed = step("changed")
        assert parsed and sorted(changed.stdout.split()) == ["first", "second"]
        assert f"{project / 'models' / 'second.sql'} changed since" in changed.stderr
    finally:
        next(gen, None)


def _wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL", "SIGINT SIGINT SIGINT"])
def test_an_interrupted_or_killed_tradelake_dbt_cancels_the_forked_dbt(
    server: str, db_url: str, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dagster-dbt stops a step with SIGINT to `tradelake-dbt`: it reaches dbt, which cancels its
    query, once however often it is interrupted. A `tradelake-dbt` killed outright: the server
    sees its socket close and does the same."""
    from ingestion.roles import dbt_env

    monkeypatch.setenv("TRADELAKE_LOCK_TIMEOUT", "10min")  # only a cancel ends the wait
    env = {**os.environ, **dbt_env(db_url)}
    waiting = (
        "select count(*) from pg_stat_activity where application_name = 'dbt' "
        "and query like '%from public.held%'"
    )
    with psycopg.connect(db_url, autocommit=True) as watcher:
        watcher.execute("create table public.held (x int)")
        holder = psycopg.connect(db_url)
        holder.execute("lock table public.held in access exclusive mode")
        client = subprocess.Popen(
            [
                dbt_executable(),
                "show",
                "--inline",
                "select x from public.held",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "logs"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(
                lambda: watcher.execute(waiting + " and wait_event_type = 'Lock'").fetchone()[0],
                120,
                "dbt's query to wait on the lock",
            )
            for name in how.split():  # a kill -9 of the CLI can interrupt dbt several times
                client.send_signal(getattr(signal, name))
            client.wait(60)
            if how.startswith("SIGINT"):
                # dbt's own status for an interrupted run: it cancelled and exited, rather than
                # being ended by the SIGALRM that backs up a cancel that hangs
                assert client.returncode not in (0, 128 + signal.SIGALRM), client.returncode
            # dbt cancelled its query and closed its session while the lock was still held
            _wait(lambda: not watcher.execute(waiting).fetchone()[0], 30, "dbt's session to end")
        finally:
            client.kill()
            holder.close()


def test_a_killed_cli_leaves_no_server_and_no_socket_folder() -> None:
    """The CLI killed outright (kill -9) cannot stop its server or remove the server's folder;
    the server, told by the kernel, does both."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    cli = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, time\n"
            "from orchestration.lib.dbt_forkserver import ENV, ForkServer\n"
            "started = ForkServer().__enter__()\n"
            "print(started.process.pid, os.environ[ENV], flush=True)\n"
            "time.sleep(600)\n",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pid, path = cli.stdout.readline().split()
        _wait(lambda: Path(path).exists(), 60, "the fork server to listen")
        cli.kill()
        cli.wait(10)

        def gone() -> bool:
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                return True
            return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # exited, not reaped

        _wait(gone, 30, "the fork server to exit")
        assert not Path(path).parent.exists(), "the server's socket folder was left behind"
    finally:
        cli.kill()
