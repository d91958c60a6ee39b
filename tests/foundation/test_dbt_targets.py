"""dbt step housekeeping: target folders, the parse state between steps, the dbt version."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

from orchestration.lib.dbt import KEEP_FAILED_TARGETS, prune_target_dirs
from orchestration.lib.partial_parse import KEEP_STATES, keep_state, saved_state
from orchestration.lib.resources import TradelakeDbtResource, dbt_executable, shared_resources
from tests.probes import run_python


def make(target: Path, name: str, mtime: float) -> Path:
    path = target / name
    (path / "run").mkdir(parents=True)
    (path / "run_results.json").write_text("{}")
    os.utime(path, (mtime, mtime))
    return path


def test_a_succeeded_step_removes_its_folder_and_failed_ones_are_kept_up_to_ten(
    tmp_path: Path,
) -> None:
    for i in range(12):
        make(tmp_path, f"tradelake_dbt-run{i:04d}-abc{i:04d}", 1000 + i)
    other = make(tmp_path, "compiled-not-ours", 0)  # not a dagster-dbt step folder: left alone
    partial = tmp_path / "partial_parse.msgpack"
    partial.write_bytes(b"x")

    ours = make(tmp_path, "tradelake_dbt_after_challenges-run9999-zzz9999", 5000)
    prune_target_dirs(ours, succeeded=True)

    assert not ours.exists()
    kept = sorted(p.name for p in tmp_path.glob("tradelake_dbt*"))
    # the newest ten failed folders (mtimes 1002..1011); the two oldest went
    assert kept == [f"tradelake_dbt-run{i:04d}-abc{i:04d}" for i in range(2, 12)]
    assert len(kept) == KEEP_FAILED_TARGETS
    assert other.exists() and partial.exists()

    # a failed step keeps its own folder beside the ten kept before it ...
    mine = make(tmp_path, "tradelake_dbt-runfail-fff0000", 6000)
    prune_target_dirs(mine, succeeded=False)
    assert mine.exists()
    assert len(list(tmp_path.glob("tradelake_dbt*"))) == KEEP_FAILED_TARGETS + 1
    # ... and counts among the ten newest at the next step: the oldest kept one goes
    prune_target_dirs(make(tmp_path, "tradelake_dbt-runnext-nnn0000", 7000), succeeded=True)
    assert mine.exists()
    assert not (tmp_path / "tradelake_dbt-run0002-abc0002").exists()
    assert len(list(tmp_path.glob("tradelake_dbt*"))) == KEEP_FAILED_TARGETS


def test_the_dbt_version_is_the_installed_dbt_without_a_process() -> None:
    resource = shared_resources()["dbt"]
    assert isinstance(resource, TradelakeDbtResource)
    # the dbt-core the dbt executable runs (not `dbt --version`: it asks PyPI for the latest)
    python = Path(dbt_executable()).parent / "python"
    installed = subprocess.run(
        [python, "-c", "from dbt.version import __version__; print(__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", installed)
    assert str(resource._cli_version) == installed
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_a_dbt_step_parses_from_the_state_the_last_step_on_its_connection_left(
    monkeypatch,
) -> None:
    """Each dbt step gets a new target folder; without the kept parse state dbt parsed the whole
    project in every step. Real dbt `parse` through the resource, twice, on a connection no
    other test uses (parsing does not connect): the second must parse nothing."""
    monkeypatch.setenv("TRADELAKE_PG_DBNAME", f"partial_parse_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("TRADELAKE_PG_HOST", "/nonexistent")
    resource = shared_resources()["dbt"]
    first = resource.cli(["parse"], raise_on_error=True)
    first.wait()
    first_log = (first.target_path / "dbt.log").read_text()
    assert "Unable to do partial parsing" in first_log or "Partial parse save file not found" in (
        first_log
    )
    keep_state(first.target_path)
    kept = saved_state(first.target_path.parent)
    assert kept.exists()

    second = resource.cli(["parse"], raise_on_error=True)
    second.wait()
    second_log = (second.target_path / "dbt.log").read_text()
    assert "Partial parsing enabled, no changes found, skipping parsing" in second_log
    assert "Unable to do partial parsing" not in second_log

    # another connection (a different database) does not get this connection's state
    monkeypatch.setenv("TRADELAKE_PG_DBNAME", f"partial_parse_{uuid.uuid4().hex[:12]}")
    assert not saved_state(first.target_path.parent).exists()
    for invocation in (first, second):
        prune_target_dirs(invocation.target_path, succeeded=True)
    kept.unlink()


def test_tradelake_dbt_runs_dbt_in_its_own_process_with_the_pipelines_gc_settings(
    tmp_path: Path,
) -> None:
    """dbt runs inside `tradelake-dbt` (no second interpreter), with fewer collections and its
    objects frozen at exit (orchestration/lib/process.py): the probe's exit handler, registered
    before, runs after everything else."""

    from orchestration.lib.process import THRESHOLDS

    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('GC', gc.get_threshold(), gc.get_freeze_count() > 0,"
        " 'dbt.cli.main' in sys.modules))\n"
        "sys.argv = ['tradelake-dbt', 'parse', '--help']\n"
        "from orchestration.lib.dbt_child import main\n"
        "main()\n"
    )
    done = run_python(code, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "Usage: dbt parse" in done.stdout
    assert f"GC {THRESHOLDS} True True" in done.stdout, done.stdout[-500:]


def test_parse_states_of_the_connections_not_used_for_longest_are_removed(
    tmp_path: Path, monkeypatch
) -> None:
    """One state per connection (≈ 3.3 MB), and tests make a database per worker and run: only
    the KEEP_STATES most recently kept stay."""
    states = tmp_path / "partial_parse"
    states.mkdir()
    for i in range(KEEP_STATES + 2):
        old = states / f"old{i:02d}.msgpack"
        old.write_bytes(b"x")
        os.utime(old, (1000 + i, 1000 + i))
    step = tmp_path / "tradelake_dbt-run0001-abc0001"
    step.mkdir()
    (step / "partial_parse.msgpack").write_bytes(b"state")
    monkeypatch.setenv("TRADELAKE_PG_DBNAME", "kept_now")

    keep_state(step)

    mine = saved_state(tmp_path)
    assert mine.read_bytes() == b"state"
    left = sorted(p.name for p in states.glob("*.msgpack"))
    # ours and the KEEP_STATES - 1 newest of the others (mtimes 1003..1009)
    newest = [f"old{i:02d}.msgpack" for i in range(3, KEEP_STATES + 2)]
    assert left == sorted([mine.name, *newest])
    assert not list(states.glob(".*"))  # no scratch copy left behind
