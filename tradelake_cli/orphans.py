"""What `tradelake dev` starts stops with it, including what its children leave behind.

dagster dev stops its webserver, daemon and code servers on SIGTERM, but a code server whose run
was cut off can wait for that run forever: one started by the webserver (`dagster api grpc
--heartbeat`) was found still running 30 minutes after the browser tests had stopped `tradelake
dev`, its parent gone (reparented to init), its main thread waiting for executions to finish.
`tradelake dev` therefore becomes the subreaper of its descendants (Linux: a process whose parent
exits is reparented to it rather than to init) and, once dagster dev has exited, terminates
whatever was reparented to it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from orchestration.lib.process import prctl

PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> bool:
    """Make this process the subreaper of its descendants; False where that is not possible."""
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def children() -> list[int]:
    """The live processes whose parent is this one (from /proc)."""
    me = os.getpid()
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # exited meanwhile
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        state, ppid = text[text.rindex(")") + 2 :].split()[:2]
        if int(ppid) != me:
            continue
        if state == "Z":  # exited, not yet waited for
            _reap(int(stat.parent.name))
        else:
            found.append(int(stat.parent.name))
    return found


def stop_orphans(grace: float = 10.0) -> list[int]:
    """SIGTERM to every remaining child, SIGKILL to those still there after `grace` seconds,
    until none is left (a stopped orphan's own children are adopted in turn); their pids."""
    stopped: list[int] = []
    deadline = time.monotonic() + grace
    signalled: set[int] = set()
    while pids := children():
        for pid in pids:
            if pid not in signalled:
                _signal(pid, signal.SIGTERM)
                signalled.add(pid)
                stopped.append(pid)
            elif time.monotonic() > deadline:
                _signal(pid, signal.SIGKILL)
        time.sleep(0.1)
        for pid in pids:
            _reap(pid)
    return stopped


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # exited meanwhile
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # already waited for
        os.waitpid(pid, os.WNOHANG)
