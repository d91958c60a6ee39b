"""`tradelake-dbt`: dbt that dies with the process that started it (Linux).

dagster-dbt starts dbt with a plain `subprocess.Popen`; when that process is killed (kill -9,
OOM), dbt would go on building (and holding locks) with no one reading its output. This wrapper
asks the kernel for SIGINT when its parent dies (prctl PR_SET_PDEATHSIG), then runs the venv's
dbt in this process. SIGINT is dbt's Ctrl-C: it cancels its running queries and exits.

dbt runs here rather than through exec so that its objects are frozen at exit (gc.freeze): the
interpreter's last garbage collection would walk them all, ≈ 0.3–0.5 s of every dbt step on the
2-core machine (docs/benchmarks.md).
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def main() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGINT, 0, 0, 0)
        # The parent may have died before prctl (then we were handed to init): nobody would
        # signal us, so stop now.
        if os.getppid() == 1:
            sys.exit("tradelake-dbt: the process that started dbt has already exited")
    atexit.register(gc.freeze)  # first registered, last run: after dbt's own exit handlers
    from dbt.cli.main import cli

    sys.argv[0] = str(Path(sys.executable).parent / "dbt")  # as the venv's `dbt` script runs it
    sys.exit(cli())


if __name__ == "__main__":
    main()
