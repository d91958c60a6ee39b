"""`tradelake-dbt`: dbt that dies with the process that started it (Linux).

dagster-dbt starts dbt with a plain `subprocess.Popen`; when that process is killed (kill -9,
OOM), dbt would go on building (and holding locks) with no one reading its output. This wrapper
asks the kernel for SIGINT when its parent dies (prctl PR_SET_PDEATHSIG), then runs the venv's
dbt in this process. SIGINT is dbt's Ctrl-C: it cancels its running queries and exits.

dbt runs here rather than through exec so that it runs with the pipeline's garbage-collector
settings (orchestration/lib/process.py): a bare `dbt build` spent 2.2 s of its 11 s of CPU in
collections, and the last one at exit took 0.3–0.5 s of every dbt step (docs/benchmarks.md).
When the run has a dbt fork server (`tradelake materialize`, orchestration/lib/dbt_forkserver.py),
dbt runs in a child the server forks, with dbt already imported.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from orchestration.lib.dbt_forkserver import run_through_server
from orchestration.lib.process import die_with_parent, tune_gc


def main() -> None:
    tune_gc()
    # The parent may have died before the request (then we were handed to init): nobody would
    # signal us, so stop now.
    if not die_with_parent(signal.SIGINT):
        sys.exit("tradelake-dbt: the process that started dbt has already exited")
    sys.argv[0] = str(Path(sys.executable).parent / "dbt")  # as the venv's `dbt` script runs it
    # dbt forked from the run's fork server, which has imported it already (≈ 0.9 s a step)
    code = run_through_server(sys.argv)
    if code is not None:
        sys.exit(code)
    from orchestration.lib.dbt_console import run

    run(prog_name="dbt")


if __name__ == "__main__":
    main()
