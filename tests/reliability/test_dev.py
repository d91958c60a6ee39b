"""`tradelake dev` stops whole: a SIGTERM to it (a `kill`, a service manager) stops dagster dev
and everything dagster dev started, also when it was started from a background job."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.ports import free_port

TRADELAKE = str(Path(sys.executable).parent / "tradelake")


def ignore_sigint() -> None:
    """What `tradelake dev &` in a script does to the child: SIGINT ignored, and inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
@pytest.mark.parametrize("to", ["tradelake dev", "its process group"])
def test_a_sigterm_stops_dagster_dev_and_everything_it_started(
    cli_env, tmp_path: Path, to: str
) -> None:
    port = free_port()
    log = tmp_path / "dev.log"
    dev = subprocess.Popen(
        [TRADELAKE, "dev", "--port", str(port)],
        env=dict(os.environ),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a group of its own: signalled alone or whole below
        preexec_fn=ignore_sigint,
    )
    started: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        while True:
            assert dev.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"no UI after 300 s:\n{log.read_text()[-3000:]}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        started += [
            p
            for p in psutil.Process(dev.pid).children(recursive=True)
            if "execute_run" not in " ".join(p.cmdline())  # a scheduled run ends on its own
        ]
        names = {" ".join(p.cmdline()[1:4]) for p in started}
        assert any("dagster dev" in n or "dagster_webserver" in n for n in names), names

        if to == "tradelake dev":  # `kill <pid>`
            dev.send_signal(signal.SIGTERM)
        else:  # a service manager stopping the whole group: dagster dev gets it twice
            os.killpg(dev.pid, signal.SIGTERM)
        dev.wait(timeout=120)
        _, alive = psutil.wait_procs(started, timeout=60)
        assert not alive, [" ".join(p.cmdline())[:120] for p in alive]
    finally:  # whatever is left (a failed run of this test) does not outlive it
        if dev.poll() is None:
            started += psutil.Process(dev.pid).children(recursive=True)
            dev.kill()
        for process in started:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
