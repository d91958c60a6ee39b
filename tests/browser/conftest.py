"""The browser tier: `tradelake demo` in a fresh state folder, then `tradelake dev` and
`tradelake docs --serve` on it exactly as the demo tells a new user, driven in headless Chromium
(Debian's package; never a downloaded browser) through Playwright."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """Debian's Chromium, installed with apt-get when missing (as .ci/run does)."""
    found = shutil.which("chromium")
    if found:
        return found
    apt = ["apt-get", "install", "-y", "-q", "chromium"]
    if os.geteuid() != 0:
        apt.insert(0, "sudo")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(apt, env=env, capture_output=True).returncode != 0:
        subprocess.run([*apt[: apt.index("install")], "update", "-q"], env=env, capture_output=True)
        subprocess.run(apt, env=env, capture_output=True)
    found = shutil.which("chromium")
    if not found:
        pytest.fail("the browser tests need Debian's chromium: `apt-get install -y chromium`")
    return found


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=log.parent,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped whole (webserver, daemon, code)
    )


def stop(process: subprocess.Popen) -> None:
    # and everything it started that outlives the group's signals (a dagster code server of
    # this tier was once found still running after a CI run)
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    _, alive = psutil.wait_procs(family, timeout=10)
    for left in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            left.kill()


@dataclass(frozen=True)
class Demo:
    home: Path
    ui: str
    docs: str
    shots: Path


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    work = tmp_path_factory.mktemp("browser")
    home = work / "state"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRADELAKE_", "DATABASE_URL", "DAGSTER_", "KALSHI_", "OKX_"))
    }
    env.update({"TRADELAKE_HOME": str(home), "XDG_RUNTIME_DIR": "/tmp"})
    tradelake = str(BIN / "tradelake")
    ran = subprocess.run(
        [tradelake, "demo", "--no-ui"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=3000,
    )
    (work / "demo.log").write_text(ran.stdout + ran.stderr)
    assert ran.returncode == 0, (ran.stdout + ran.stderr)[-4000:]
    # the demo names the command that opens its data; run exactly that
    said = re.search(r"UI: run `(.+?)` to open the Dagster UI", ran.stdout)
    assert said, ran.stdout[-2000:]
    command = said.group(1)
    assert command == f"TRADELAKE_HOME={home} tradelake dev", command
    ui_port, docs_port = free_port(), free_port()
    dev = start([tradelake, "dev", "--port", str(ui_port)], env, work / "dev.log")
    docs = start([tradelake, "docs", "--serve", "--port", str(docs_port)], env, work / "docs.log")
    try:
        wait_for(f"http://127.0.0.1:{ui_port}/server_info", dev, work / "dev.log")
        wait_for(f"http://127.0.0.1:{docs_port}/", docs, work / "docs.log")
        yield Demo(home, f"http://127.0.0.1:{ui_port}", f"http://127.0.0.1:{docs_port}", work)
    finally:
        stop(dev)
        stop(docs)
        subprocess.run([tradelake, "db-stop"], cwd=work, env=env, capture_output=True)


@pytest.fixture(scope="session")
def browser(demo: Demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, demo: Demo, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(120_000)
    yield opened
    opened.screenshot(path=str(demo.shots / f"{request.node.name}.png"), full_page=True)
    context.close()
