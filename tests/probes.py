"""Python code run in a fresh interpreter of this venv, for what a test must see from outside its
own process: what gets imported, exit handlers, interpreter and process settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_python(
    code: str,
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
