"""A kill during the embedded database's first initdb no longer breaks it forever (issue #20
part 9): a half-made data folder is set aside and initialised again; real data never is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from ingestion.pgdata import half_made_reason, set_aside_half_made

TRADELAKE = str(Path(sys.executable).parent / "tradelake")


def test_half_made_folders_are_recognised_and_real_ones_left_alone(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    assert half_made_reason(pgdata) is None  # absent
    pgdata.mkdir()
    assert half_made_reason(pgdata) is None  # empty: pgserver initialises it itself
    (pgdata / "global").mkdir()
    assert half_made_reason(pgdata) == "files but no PG_VERSION"
    (pgdata / "PG_VERSION").write_text("18\n")
    assert half_made_reason(pgdata) == "PG_VERSION but no global/pg_control"
    (pgdata / "global" / "pg_control").write_bytes(b"\0")
    (pgdata / "base" / "1").mkdir(parents=True)
    assert half_made_reason(pgdata) == 'PG_VERSION but no "postgres" database'
    (pgdata / "base" / "5").mkdir()
    assert half_made_reason(pgdata) is None  # complete

    user_data = tmp_path / "user"
    (user_data / "base" / "16384").mkdir(parents=True)  # a database someone created
    assert half_made_reason(user_data) is None  # even with no PG_VERSION: never touched
    assert set_aside_half_made(user_data) is None and user_data.exists()

    broken = tmp_path / "broken"
    (broken / "global").mkdir(parents=True)
    aside = set_aside_half_made(broken)
    assert aside is not None and aside.name.startswith("broken.broken-") and not broken.exists()
    assert (aside / "global").is_dir()  # moved, not deleted


@pytest.mark.slow
def test_kill_during_first_initdb_then_next_start_works(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRADELAKE_HOME"] = str(tmp_path)
    pgdata = tmp_path / "pgdata"
    first = subprocess.Popen(
        [TRADELAKE, "migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: initdb dies with it
    )
    deadline = time.monotonic() + 60
    while not (pgdata / "PG_VERSION").exists():  # initdb has started writing the folder
        assert first.poll() is None and time.monotonic() < deadline, "initdb never started"
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    time.sleep(0.5)
    assert half_made_reason(pgdata) is not None  # what the kill left behind
    try:
        again = subprocess.run(
            [TRADELAKE, "migrate"], env=env, capture_output=True, text=True, timeout=180
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert "migrations applied" in again.stdout
        assert list(tmp_path.glob("pgdata.broken-*"))  # the half-made folder, kept aside
        url = f"postgresql://postgres@/tradelake?host={pgdata}"
        with psycopg.connect(url) as conn:
            assert conn.execute("select count(*) from ops.sync_runs").fetchone() == (0,)
    finally:
        subprocess.run([TRADELAKE, "db-stop"], env=env, capture_output=True, timeout=60)
