"""`tradelake-dbt`: dbt that dies with the process that started it (Linux).

dagster-dbt starts dbt with a plain `subprocess.Popen`; when that process is killed (kill -9,
OOM), dbt would go on building (and holding locks) with no one reading its output. This wrapper
asks the kernel for SIGINT when its parent dies (prctl PR_SET_PDEATHSIG, kept across exec), then
execs the venv's dbt. SIGINT is dbt's Ctrl-C: it cancels its running queries and exits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def main() -> None:
    dbt = str(Path(sys.executable).parent / "dbt")
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGINT, 0, 0, 0)
        # The parent may have died before prctl (then we were handed to init): nobody would
        # signal us, so stop now.
        if os.getppid() == 1:
            sys.exit("tradelake-dbt: the process that started dbt has already exited")
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
