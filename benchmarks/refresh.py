"""Orchestration overhead (issue 19): on a state folder made by `tradelake demo`, with nothing new
to load, time side by side in one run
  1. bare `dbt build` of every model and data test (the reference; the dbt steps leave the unit
     tests, which check the SQL on fixtures, to the test suite),
  2. `tradelake materialize --select` the four dbt groups (the same dbt work through Dagster),
  3. a whole `tradelake materialize` (every source sync on the recorded answers, dbt, all checks),
each as a child process: wall time and the CPU the process tree used (user + system), so a
helper that spins shows as CPU above wall time. Goals: (2) ≤ 1.25 × (1); (3) ≤ 30 s.

    TRADELAKE_HOME=<demo state folder> uv run python benchmarks/refresh.py [--runs 2]

Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DBT_GROUPS = " or ".join(
    f"group:dbt_{layer}" for layer in ("staging", "intermediate", "core", "marts")
)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):  # 1: a stale stream or a failed warning-level check
        tail = (done.stdout + done.stderr)[-3000:]
        sys.exit(f"{' '.join(args)} exited {done.returncode}:\n{tail}")
    return wall, cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    from ingestion.settings import tradelake_home
    from tradelake_cli import runtime
    from tradelake_cli.demo import demo_environment, is_demo_home

    cache = Path(importlib.util.find_spec("dagster").origin).parent / "__pycache__"
    if sys.flags.dont_write_bytecode and not cache.is_dir():
        # PYTHONDONTWRITEBYTECODE set and nothing compiled: every run would compile Dagster and
        # dbt from source (the CLI's start-up 6.7 s instead of 3.4 s on the 2-core machine)
        sys.exit(f"no bytecode under {cache}: run `uv sync --frozen --compile-bytecode` first")
    home = tradelake_home()
    if not is_demo_home(home):
        sys.exit(f"{home} was not made by `tradelake demo`: run it first (TRADELAKE_HOME=...)")
    os.environ.update(demo_environment(home))
    runtime.prepare()  # the embedded database, and dbt's environment (roles, lock timeout)
    env = dict(os.environ)
    dbt = [
        str(BIN / "dbt"),
        "build",
        "--exclude-resource-type",  # as the dbt steps run it (orchestration/defs/dbt/assets.py)
        "unit_test",
        "--project-dir",
        "dbt_project",
        "--profiles-dir",
        "dbt_project",
    ]
    tradelake = str(BIN / "tradelake")
    cases = {
        "bare dbt build": dbt,
        "tradelake materialize --select the dbt groups": [
            tradelake,
            "materialize",
            "--select",
            DBT_GROUPS,
        ],
        "tradelake materialize (everything, nothing new)": [tradelake, "materialize"],
    }
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cases}
    for run in range(args.runs):
        for name, command in cases.items():
            results[name].append(timed(command, env))
            wall, cpu, code = results[name][-1]
            print(f"run {run + 1}: {name:48s} {wall:7.1f} s wall {cpu:7.1f} s CPU (exit {code})")
    best = {name: min(r[0] for r in runs) for name, runs in results.items()}
    reference = best["bare dbt build"]
    print()
    for name, wall in best.items():
        print(f"best of {args.runs}: {name:48s} {wall:7.1f} s = {wall / reference:5.2f} x bare dbt")


if __name__ == "__main__":
    main()
