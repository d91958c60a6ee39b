"""`tradelake dev` stops whole: a SIGTERM to it (a `kill`, a service manager) stops dagster dev
and everything dagster dev started, also when it was started from a background job."""

from __future__ import annotations

import contextlib
import json
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
from tests.probes import run_python

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


ORPHAN_PROBE = """
import json, os, subprocess, sys, time
from tradelake_cli.orphans import adopt_orphans, children, stop_orphans

adopted = adopt_orphans() if sys.argv[1] == "adopt" else False
# a child that starts a grandchild ignoring SIGTERM (as a code server waiting for a cut-off run
# does), then exits: the grandchild is orphaned
middle = subprocess.Popen(
    [sys.executable, "-c",
     "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
     "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)']); "
     "print(p.pid, flush=True)"],
    stdout=subprocess.PIPE, text=True,
)
orphan = int(middle.stdout.readline())
middle.wait()
time.sleep(0.3)
with open(f"/proc/{orphan}/stat") as f:
    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
seen = children()
stopped = stop_orphans(grace=1.0)
alive = os.path.exists(f"/proc/{orphan}")
if alive:
    os.kill(orphan, 9)
print(json.dumps({"adopted": adopted, "parent_is_me": ppid == os.getpid(),
                  "seen": orphan in seen, "stopped": orphan in stopped, "alive": alive}))
"""


@pytest.mark.parametrize("mode", ["adopt", "no-adopt"])
def test_what_dagster_devs_children_leave_behind_is_adopted_and_stopped(
    tmp_path: Path, mode: str
) -> None:
    """A process orphaned under `tradelake dev` (its parent gone, SIGTERM ignored) is reparented
    to it and stopped once dagster dev has exited (tradelake_cli/orphans.py); without the
    adoption it would go to init and run on."""
    done = run_python(ORPHAN_PROBE, mode, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    if mode == "adopt":
        assert seen == {
            "adopted": True,
            "parent_is_me": True,
            "seen": True,
            "stopped": True,
            "alive": False,
        }
    else:  # the case before: init's child, invisible to us, still running when we are done
        assert seen == {
            "adopted": False,
            "parent_is_me": False,
            "seen": False,
            "stopped": False,
            "alive": True,
        }
