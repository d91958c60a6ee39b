"""Interpreter and process settings for the processes that run the pipeline: the `tradelake` CLI
and the dbt steps (`tradelake-dbt`). Standard library only: the CLI applies them before anything
is loaded.

Both hold a large, long-lived object graph (Dagster's definitions and dbt's manifest: millions of
objects) and allocate many short-lived objects per event and per dbt node. With CPython's default
thresholds (a young collection every 700 allocations, older ones every 10) a bare `dbt build`
spent 2.2–2.3 s in 2,940 collections, a `tradelake materialize` of the dbt groups 1.9–2.5 s in
2,170 (gc.callbacks, docs/benchmarks.md); with the thresholds below, 0.8–1.0 s and 0.4 s.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import os
import sys

# a young collection every 50,000 net allocations; the middle one every 20 of those, the oldest
# every 100 of the middle (CPython still skips a full one until a quarter of the old objects is new)
THRESHOLDS = (50_000, 20, 100)

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies


_tuned = False


def prctl(option: int, value: int) -> bool:
    """Linux prctl(2) on this process (e.g. PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER); False
    where it is not available or failed."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(option, value, 0, 0, 0) == 0


def die_with_parent(signum: int, parent: int | None = None) -> bool:
    """Ask the kernel for `signum` when this process's parent dies (PR_SET_PDEATHSIG; Linux,
    elsewhere nothing is asked and True is returned). False when the parent (`parent`, or when
    None any parent but init) had died before the request took effect: nobody will send it."""
    if not prctl(PR_SET_PDEATHSIG, signum):
        return True
    return os.getppid() == parent if parent is not None else os.getppid() != 1


def tune_gc() -> None:
    """Collect less often, and leave the objects to the OS at exit: the interpreter's last
    collection walked them all, 1.6 s after a CLI run's work was done. Call it early: the
    freeze is then the last exit handler to run, after every handler registered later. Once per
    process (the definitions call it too, for Dagster's run workers, and may load again)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.set_threshold(*THRESHOLDS)
    atexit.register(gc.freeze)
