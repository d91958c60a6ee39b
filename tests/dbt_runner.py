"""Run the real dbt CLI against a test database, with private target/log paths (tests run in
parallel, each on its own database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ingestion.roles import dbt_env
from orchestration.lib.resources import DBT_PROJECT_DIR


def dbt(
    db_url: str, tmp: Path, *args: str, vars_: str | None = None
) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "dbt"
    env = {**os.environ, **dbt_env(db_url), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        str(executable),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
    ]
    if vars_:
        command += ["--vars", vars_]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def dbt_build(
    db_url: str, tmp: Path, select: str, *extra: str, vars_: str | None = None
) -> subprocess.CompletedProcess:
    """`dbt build --select SELECT` with cautious indirect selection: a test runs only when every
    model it reads is selected (a mart's relationship test onto core.fills belongs to the mart's
    build, not to a source's)."""
    return dbt(
        db_url,
        tmp,
        "build",
        "--select",
        *select.split(),
        "--indirect-selection",
        "cautious",
        *extra,
        vars_=vars_,
    )
