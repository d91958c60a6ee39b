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

The server also parses the dbt project once, before it serves (`parse_ahead`: ≈ 0.8 s of each
step's start, on the other core while the CLI loads the definitions and the sources sync). A
dbt step is handed that manifest (as `dbtRunner(manifest=…)` hands one to dbt) only when dbt
would parse the same thing: no project file has changed since (paths, sizes, modification
times), its environment is the server's but for the variables dagster-dbt sets per step for
dbt's folders and console, and its command and flags are ones that do not change the parse.
Otherwise dbt parses as it always does, and the step's stderr says why.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.lib.dbt_console import flag_names
from orchestration.lib.partial_parse import keep_state, restore_state
from orchestration.lib.process import die_with_parent, tune_gc

ENV = "TRADELAKE_DBT_FORKSERVER"
CANCEL_SECONDS = 15  # an interrupted dbt that has not exited by then is killed (SIGALRM)
_LEN = struct.Struct("!I")

# What dagster-dbt sets for each step (DbtCliResource.cli), dbt's console settings (where dbt
# writes and what it prints), the terminal's size (COLUMNS, LINES: set by what formats output),
# and what Great Expectations' SQL engine sets in the CLI while a step runs (SF_PARTNER, for
# Snowflake's connector): none of them changes what dbt parses.
STEP_VARIABLES = frozenset(
    {
        ENV,
        "COLUMNS",
        "LINES",
        "SF_PARTNER",
        "DAGSTER_DBT_CLI",
        "DBT_LOG_FORMAT",
        "DBT_LOG_FORMAT_FILE",
        "DBT_LOG_LEVEL",
        "DBT_LOG_LEVEL_FILE",
        "DBT_LOG_PATH",
        "DBT_TARGET_PATH",
        "PYTHONLEGACYWINDOWSSTDIO",
    }
)
# The commands that take a manifest (dbt's `requires.manifest`) and the flags of a step that
# do not change what dbt parses; any other flag (--vars, --target, --project-dir, …): dbt parses.
PARSED_COMMANDS = frozenset({"build", "compile", "list", "ls", "run", "seed", "snapshot", "test"})
RUN_FLAGS = frozenset(
    {
        "--select",
        "-s",
        "--exclude",
        "--selector",
        "--resource-type",
        "--resource-types",
        "--exclude-resource-type",
        "--exclude-resource-types",
        "--full-refresh",
        "-f",
        "--fail-fast",
        "-x",
        "--no-fail-fast",
        "--threads",
        "--indirect-selection",
        "--write-json",
        "--no-write-json",
        "--target-path",
        "--log-path",
        "--log-level",
        "--log-level-file",
        "--log-format",
        "--log-format-file",
        "--quiet",
        "-q",
        "--output",
        "-o",
        "--output-keys",
    }
)
# the project's folders that dbt writes to, not reads from, and the file it keeps its anonymous
# user id in (in the profiles' folder)
_WRITTEN = ("target", "logs")
_USER_FILE = ".user.yml"


@dataclass(frozen=True)
class Parsed:
    """The project as the server parsed it, and what that parse depended on."""

    manifest: Any  # dbt's Manifest
    env: dict[str, str]
    folders: tuple[Path, Path]  # the project's, the profiles'
    files: frozenset[tuple[str, int, int]]
    at: datetime

    def why_not(self, argv: Sequence[str], env: dict[str, str]) -> str | None:
        """Why a step with `argv` (the script's path first) and `env` must parse itself; None
        when dbt would parse exactly this manifest."""
        command = argv[1] if len(argv) > 1 else ""
        if command not in PARSED_COMMANDS:
            return f"`dbt {command}` is not a command that runs on a parsed project"
        flags = {name for name in flag_names(argv[2:]) if name.startswith("-")}
        if flags - RUN_FLAGS:
            return f"{', '.join(sorted(flags - RUN_FLAGS))} may change what dbt parses"
        changed = sorted(
            name
            for name in (env.keys() | self.env.keys()) - STEP_VARIABLES
            if env.get(name) != self.env.get(name)
        )
        if changed:
            return f"the environment differs from the server's ({', '.join(changed[:5])})"
        now = project_files(*self.folders)
        if now != self.files:
            changed_file = sorted({f[0] for f in now ^ self.files})[0]
            return f"{changed_file} changed since the run's parse at {self.at:%H:%M:%S}"
        return None


def project_files(project_dir: Path, profiles_dir: Path) -> frozenset[tuple[str, int, int]]:
    """Every file dbt may read for a parse (the project but its target and log folders, and the
    profiles), each with its size and modification time: ≈ 200 stats."""
    found = set()
    roots = [project_dir] if profiles_dir == project_dir else [project_dir, profiles_dir]
    for root in roots:
        for folder, dirs, names in os.walk(root):
            if folder == str(root):
                dirs[:] = [d for d in dirs if d not in _WRITTEN]
            for name in names:
                if name == _USER_FILE and folder == str(profiles_dir):
                    continue
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):  # removed meanwhile: not there for dbt either
                    stat = os.stat(path)
                    found.add((path, stat.st_size, stat.st_mtime_ns))
    return frozenset(found)


_scratch: str | None = None  # parse_ahead's target folder while it parses


def parse_ahead(project_dir: Path, profiles_dir: Path) -> Parsed | None:
    """Parse the project as a dbt step would (the kept parse state first, the state it leaves
    kept), silently; None when dbt fails (the steps then parse and report it themselves)."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_PROJECT_DIR"] = str(project_dir)
    os.environ["DBT_PROFILES_DIR"] = str(profiles_dir)
    env = dict(os.environ)
    files = project_files(project_dir, profiles_dir)
    at = datetime.now().astimezone()
    global _scratch
    target_root = project_dir / "target"
    try:
        target_root.mkdir(parents=True, exist_ok=True)
        _scratch = scratch = tempfile.mkdtemp(dir=target_root, prefix=".forkserver-")
        restore_state(Path(scratch))
        folders = ["--target-path", scratch, "--log-path", scratch]
        quiet = ["--log-level", "none", "--log-level-file", "none"]
        done = dbtRunner().invoke(["parse", "--no-write-json", *folders, *quiet])
        if not done.success or done.result is None:
            return None
        keep_state(Path(scratch))  # as a step that parsed would have
    except Exception:  # the steps parse and report it
        return None
    finally:
        if _scratch:
            shutil.rmtree(_scratch, ignore_errors=True)
        _scratch = None
    return Parsed(
        manifest=done.result, env=env, folders=(project_dir, profiles_dir), files=files, at=at
    )


# -- server ----------------------------------------------------------------------------------


_parsed: Parsed | None = None


def serve(path: str, project_dir: str | None = None, profiles_dir: str | None = None) -> None:
    """Import dbt (and parse `project_dir`), then fork a dbt child for every connection until
    SIGTERM."""
    global _parsed
    tune_gc()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _stop(path))
    if not die_with_parent(signal.SIGTERM):  # the process that started us is already gone
        _stop(path)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import dbt.adapters.postgres  # noqa: F401  (the adapter dbt loads for our profile)
    from dbt.cli.main import cli  # noqa: F401

    # handlers are waited for as they end, so that their CPU time (and dbt's) is counted in
    # the CLI's children's (benchmarks/refresh.py measures the process tree)
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(8)
    os.rename(path + ".tmp", path)  # clients connect only once dbt is imported
    if project_dir:  # a step that connects meanwhile waits for the parse it then skips
        _parsed = parse_ahead(Path(project_dir), Path(profiles_dir or project_dir))
    gc.freeze()  # children share the imported objects' pages instead of copying them
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
    if _scratch:  # stopped while it parsed
        shutil.rmtree(_scratch, ignore_errors=True)
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

        manifest = None
        if _parsed is not None:
            why = _parsed.why_not(sys.argv, request["env"])
            if why is None:
                manifest = _parsed.manifest
            else:
                print(f"tradelake-dbt: dbt parses the project itself: {why}", file=sys.stderr)
        try:
            run(prog_name=Path(sys.argv[0]).name, manifest=manifest)  # named as dbt
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

    def __init__(self, project_dir: Path | None = None, profiles_dir: Path | None = None) -> None:
        """With `project_dir`, the server parses that dbt project (profiles in `profiles_dir`,
        by default the project's folder) for the steps, as dagster-dbt will run them."""
        self.process: subprocess.Popen | None = None
        self.folder: str | None = None
        self.parse = [str(project_dir), str(profiles_dir or project_dir)] if project_dir else []

    def __enter__(self) -> ForkServer:
        if not sys.platform.startswith("linux") or os.environ.get(ENV) is not None:
            return self
        self.folder = tempfile.mkdtemp(prefix="tradelake-dbt-")
        path = str(Path(self.folder) / "sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.lib.dbt_forkserver", path, *self.parse],
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
    serve(*sys.argv[1:4])
