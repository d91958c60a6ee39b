"""A dbt fork server: every dbt step of a `tradelake materialize` forks from one process that
has already imported dbt, instead of importing it again (Linux).

A dbt step starts `tradelake-dbt` (orchestration/lib/dbt_child.py). Importing dbt and its
Postgres adapter takes ≈ 0.9 s of each step's ≈ 2.9 s when dbt has little to do, and a run has
two dbt steps (before and after the challenge evaluator). The CLI starts this server while it
loads the definitions (on the other core); `tradelake-dbt` then asks it, through a Unix socket
named by `TRADELAKE_DBT_FORKSERVER`, to fork a child that runs dbt with the step's arguments,
environment, working folder and standard streams (passed as file descriptors), and exits with
that child's status. Without the variable, or when the server cannot be reached, `tradelake-dbt`
runs dbt itself as before.

Signals and deaths, as with dbt run directly:
- `tradelake-dbt` forwards SIGINT and SIGTERM to the dbt child (dagster-dbt cancels a step with
  SIGINT: dbt cancels its queries and exits);
- `tradelake-dbt` dies (kill -9): the server's handler sees the socket close and sends the child
  SIGINT;
- the handler dies: the child gets SIGINT (PR_SET_PDEATHSIG);
- the CLI dies: the server gets SIGTERM (PR_SET_PDEATHSIG), removes its socket and the folder
  the CLI made for it (the CLI can no longer) and stops; running children finish or are
  cancelled as above.
A kill -9 of the CLI sets off several of these at once. The dbt child acts on the first SIGINT
only (a second one would interrupt dbt's cancel of its queries) and, should its cancel hang,
ends itself after CANCEL_SECONDS (SIGALRM).

The server and its dbt children run in process groups of their own, so a terminal's Ctrl-C
reaches dbt once, through `tradelake-dbt`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.lib.process import die_with_parent, tune_gc

ENV = "TRADELAKE_DBT_FORKSERVER"
CANCEL_SECONDS = 15  # an interrupted dbt that has not exited by then is killed (SIGALRM)
_LEN = struct.Struct("!I")


# -- server ----------------------------------------------------------------------------------


def serve(path: str) -> None:
    """Import dbt, then fork a dbt child for every connection until SIGTERM."""
    tune_gc()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _stop(path))
    if not die_with_parent(signal.SIGTERM):  # the process that started us is already gone
        _stop(path)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import dbt.adapters.postgres  # noqa: F401  (the adapter dbt loads for our profile)
    from dbt.cli.main import cli  # noqa: F401

    gc.freeze()  # children share the imported objects' pages instead of copying them
    # handlers are waited for as they end, so that their CPU time (and dbt's) is counted in
    # the CLI's children's (benchmarks/refresh.py measures the process tree)
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.rename(path + ".tmp", path)  # clients connect only once dbt is imported
    listener.listen(8)
    server = os.getpid()
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                _handle(conn, server)
            finally:
                os._exit(0)
        conn.close()


def _stop(path: str) -> None:
    """Remove the socket and, once it is empty, the folder the CLI made for it; exit. The CLI
    removes them too when it stops the server, but not when it is killed."""
    for leftover in (path, path + ".tmp"):
        with contextlib.suppress(OSError):
            os.unlink(leftover)
    with contextlib.suppress(OSError):
        os.rmdir(os.path.dirname(path))
    os._exit(0)


def _reap(_signum, _frame) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _handle(conn: socket.socket, server: int) -> None:
    """One request: fork dbt, report its pid and then its exit status."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's death ends this handler
    if not die_with_parent(signal.SIGTERM, server):  # nobody would stop us
        return
    _, fds, _, _ = socket.recv_fds(conn, 1, 3)
    request = json.loads(_recv_exact(conn, _LEN.unpack(_recv_exact(conn, _LEN.size))[0]))
    handler = os.getpid()
    pid = os.fork()
    if pid == 0:
        conn.close()
        _run_dbt(request, fds, handler)  # never returns
    for fd in fds:
        os.close(fd)
    conn.sendall(f"P {pid}\n".encode())
    pidfd = os.pidfd_open(pid)
    while True:
        ready, _, _ = select.select([conn, pidfd], [], [])
        if pidfd in ready:
            _, status = os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                conn.sendall(f"X {os.waitstatus_to_exitcode(status)}\n".encode())
            return
        if not conn.recv(64):  # tradelake-dbt is gone: cancel dbt as Ctrl-C would
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)
            os.waitpid(pid, 0)
            return


def _interrupted(_signum, _frame) -> None:
    """dbt's Ctrl-C, once. A cancel can be asked for up to three times at once (tradelake-dbt
    forwards its own death signal, the handler sees the socket close, the handler's death); a
    second KeyboardInterrupt inside dbt's cancel would interrupt that cancel. So later SIGINTs
    are ignored, and should the cancel hang, SIGALRM ends the process after CANCEL_SECONDS."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.alarm(CANCEL_SECONDS)
    raise KeyboardInterrupt


def _run_dbt(request: dict, fds: list[int], handler: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, _interrupted)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if not die_with_parent(signal.SIGINT, handler):  # cancelled before it started
            os._exit(130)
        os.setpgid(0, 0)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = request["argv"]
        from orchestration.lib.dbt_console import run

        try:
            run(prog_name=Path(sys.argv[0]).name)  # not this module's name in its messages
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # reported on the step's stderr; exit 1
        import traceback

        traceback.print_exc()
    finally:
        import logging

        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("tradelake-dbt closed the connection mid-request")
        data += chunk
    return data


# -- the CLI's side ---------------------------------------------------------------------------


class ForkServer:
    """A fork server for the dbt steps of this process's runs, named in the environment (which
    dagster-dbt's `tradelake-dbt` inherits) while it runs. Not started off Linux or when
    `TRADELAKE_DBT_FORKSERVER` is already set (`0` turns it off)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder: str | None = None

    def __enter__(self) -> ForkServer:
        if not sys.platform.startswith("linux") or os.environ.get(ENV) is not None:
            return self
        self.folder = tempfile.mkdtemp(prefix="tradelake-dbt-")
        path = str(Path(self.folder) / "sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.lib.dbt_forkserver", path],
            stdin=subprocess.DEVNULL,
            # its own process group, so that a terminal's Ctrl-C reaches dbt once (through
            # tradelake-dbt); but the CLI's session: Linux shares the CPU fairly between
            # sessions (autogroup), and dbt in a session of its own took a third of the CPU
            # from PostgreSQL where it had shared half with the CLI (its steps ran ≈ 1 s slower)
            process_group=0,
        )
        os.environ[ENV] = path
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server (a run without dbt steps does not need it); dbt children it has
        started finish on their own."""
        if self.process is None:
            return
        del os.environ[ENV]
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


# -- tradelake-dbt's side -------------------------------------------------------------------


def run_through_server(argv: list[str]) -> int | None:
    """dbt with `argv` in a child of the fork server; its exit status, or None when there is no
    server to ask (then the caller runs dbt itself)."""
    path = os.environ.get(ENV)
    if not path or path == "0":
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:  # not started yet, still importing dbt, or gone
        conn.close()
        return None
    env = {k: v for k, v in os.environ.items() if k != ENV}
    body = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": env}).encode()
    socket.send_fds(conn, [b"F"], [0, 1, 2])
    conn.sendall(_LEN.pack(len(body)) + body)
    reader = conn.makefile("r")
    first = reader.readline()
    if not first.startswith("P "):  # nothing was started: run dbt here instead
        print(
            "tradelake-dbt: the dbt fork server did not start dbt; running it here", file=sys.stderr
        )
        conn.close()
        return None
    child = int(first.split()[1])

    def forward(signum, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    last = reader.readline()
    if not last.startswith("X "):
        print("tradelake-dbt: lost the dbt fork server before dbt finished", file=sys.stderr)
        return 1
    code = int(last.split()[1])
    return code if code >= 0 else 128 - code  # killed by a signal: as a shell reports it


if __name__ == "__main__":
    serve(sys.argv[1])
