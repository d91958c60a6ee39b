"""What every command prints through, and how a command ends with an error or opens the UI:
shared by `tradelake_cli.main` and `tradelake_cli.demo` (neither imports the other)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from tradelake_cli.orphans import adopt_orphans, stop_orphans

console = Console(stderr=False)
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, whatever the width
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


def database_lost(exc: BaseException) -> typer.Exit | None:
    """A run that lost its database ends in one line and exit 2, not a traceback."""
    from ingestion.pgsession import connection_lost

    lost = connection_lost(exc)
    if lost is None:
        return None
    return fail(
        f"the database stopped answering during the run ({lost}); start it again (or check "
        "DATABASE_URL) and run again: the next run completes what this one left undone"
    )


def start_dagster(host: str, port: int) -> int:
    dagster = Path(sys.executable).parent / "dagster"
    console.print(f"Dagster UI on http://{host}:{port} (Ctrl-C to stop)")
    cmd = [
        str(dagster),
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        host,
        "-p",
        str(port),
    ]
    # dagster dev maps SIGTERM to its SIGINT handler. Started from a background job (`… &` in a
    # script, which ignores SIGINT for it), SIGINT arrives ignored and is inherited: dagster dev
    # would then ignore SIGTERM as well and outlive a `kill`, with its webserver, daemon and code
    # servers. It gets the default back; a SIGTERM to this process is passed on to it, and this
    # process waits until dagster dev has stopped what it started.
    # What dagster dev's children leave behind is reparented here and stopped after it
    # (tradelake_cli/orphans.py).
    adopt_orphans()
    dev = subprocess.Popen(cmd, cwd=PROJECT_ROOT, preexec_fn=_default_sigint)
    previous = signal.signal(signal.SIGTERM, lambda *_: dev.send_signal(signal.SIGTERM))
    interrupted = False
    try:
        while True:
            try:
                code = dev.wait()
                return 0 if interrupted else code
            except KeyboardInterrupt:  # Ctrl-C: dagster dev got it too and is shutting down
                interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        if dev.poll() is not None and (left := stop_orphans()):
            err.print(f"stopped {len(left)} process(es) dagster dev left behind")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
