"""dbt step housekeeping: target folders, the dbt version dagster-dbt is told, dbt's output read
without holding dbt back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from orchestration.lib.dbt import KEEP_FAILED_TARGETS, prune_target_dirs
from orchestration.lib.resources import (
    DrainedPipe,
    TradelakeDbtResource,
    dbt_executable,
    shared_resources,
)


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


CHATTY_CHILD = textwrap.dedent(
    """
    import sys
    for i in range(20000):  # 1.6 MB of lines: far more than a pipe holds (64 kB)
        sys.stdout.write(f"line {i:05d} " + "x" * 70 + "\\n")
    sys.stdout.flush()
    """
)


def test_dbt_never_waits_for_dagster_to_read_its_output() -> None:
    """dbt writes its log lines faster than Dagster turns them into events; read from the pipe
    itself, dbt would block once the pipe is full until the reader caught up."""
    child = subprocess.Popen([sys.executable, "-c", CHATTY_CHILD], stdout=subprocess.PIPE)
    lines = iter(DrainedPipe(child.stdout))
    assert next(lines).startswith(b"line 00000 ")
    # The reader is now "busy" (reads nothing more): the child must still get to the end.
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.returncode == 0, "the child blocked on a full pipe"
    rest = list(lines)  # nothing lost, in order
    assert len(rest) == 19999
    assert rest[0].startswith(b"line 00001 ") and rest[-1].startswith(b"line 19999 ")


def test_the_dbt_resource_drains_dbts_output(tmp_path: Path) -> None:
    resource = shared_resources()["dbt"]
    invocation = resource.cli(
        ["debug", "--config-dir"],
        manifest={"nodes": {}},
        raise_on_error=False,
        target_path=tmp_path,
    )
    assert isinstance(invocation.process.stdout, DrainedPipe)
    said = [event.raw_event["info"]["msg"] for event in invocation.stream_raw_events()]
    assert invocation.process.wait() == 0
    assert said[0].startswith("Running with dbt=")  # dbt's JSON log lines, read through the drain
