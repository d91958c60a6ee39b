"""dbt step housekeeping: target folders, the dbt version dagster-dbt is told."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from orchestration.lib.dbt import KEEP_FAILED_TARGETS, prune_target_dirs
from orchestration.lib.resources import TradelakeDbtResource, dbt_executable, shared_resources


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
