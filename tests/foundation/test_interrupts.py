"""The test process's interrupts as Python sets them up (tests/conftest.py): started from a shell
that ignores SIGINT, a Dagster run in process must not leave this process, and every process it
starts afterwards, ignoring SIGTERM."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import signal, subprocess
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `bash .ci/run &` without job control starts us
{guard}
import dagster as dg

@dg.asset
def prices():
    return 1

assert dg.materialize([prices]).success
child = subprocess.run(["grep", "SigIgn", "/proc/self/status"], capture_output=True, text=True)
ignored = int(child.stdout.split()[1], 16)
print(signal.getsignal(signal.SIGTERM) is signal.SIG_IGN, bool(ignored >> (signal.SIGTERM - 1) & 1))
"""


def _probe(guard: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(guard=guard)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split("\n")[-2]


def test_a_dagster_run_leaves_sigterm_ignored_where_sigint_was() -> None:
    # what Dagster does on its own: this process and the next child ignore SIGTERM
    assert _probe("") == "True True"


def test_the_tests_interrupts_keep_sigterm_working_after_a_dagster_run() -> None:
    guard = (
        "from tests.conftest import interrupts_as_python_sets_them\n"
        "interrupts_as_python_sets_them()"
    )
    assert _probe(guard) == "False False"
