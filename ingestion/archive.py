"""Retention of raw.pages: old monthly partitions go to Parquet, are verified, then dropped.

A partition is dropped only by `ops.drop_archived_raw_partition`, which refuses unless the
manifest says its archive was read back and matched (row count and checksum).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING

import psycopg
from upath import UPath

if TYPE_CHECKING:
    import pyarrow as pa


@cache
def schema() -> pa.Schema:
    """The archive files' columns (pyarrow is imported only when there is a partition to
    archive: a run with nothing due does not pay its import)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("page_id", pa.int64()),
            ("source", pa.string()),
            ("endpoint", pa.string()),
            ("request_params", pa.string()),  # JSON text, exactly as stored
            ("status", pa.int32()),
            ("payload", pa.string()),  # JSON text (numbers keep every digit)
            ("payload_text", pa.string()),
            ("payload_sha256", pa.string()),
            ("fetched_at", pa.timestamp("us", tz="UTC")),
        ]
    )


SELECT = """
select page_id, source, endpoint, request_params::text, status, payload::text, payload_text,
       payload_sha256, fetched_at
from raw.{part} order by page_id
"""
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class Archived:
    partition: str
    month: date
    uri: str
    rows: int
    checksum: str
    dropped: bool


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def due_partitions(conn: psycopg.Connection, keep_months: int, now: datetime) -> list[str]:
    """Monthly partitions entirely older than the last `keep_months` months, with rows."""
    cutoff = add_months(month_start(now.astimezone(UTC).date()), -keep_months)
    rows = conn.execute(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
        "where i.inhparent = 'raw.pages'::regclass and c.relname ~ '^pages_[0-9]{4}_[0-9]{2}$' "
        "order by c.relname"
    ).fetchall()
    due = []
    for (name,) in rows:
        year, month = int(name[6:10]), int(name[11:13])
        if add_months(date(year, month, 1), 1) <= cutoff:
            has_rows = conn.execute(f'select exists (select from raw."{name}")').fetchone()
            if has_rows and has_rows[0]:
                due.append(name)
    return due


def _checksum(page_ids, digests) -> str:
    h = hashlib.sha256()
    for page_id, digest in zip(page_ids, digests, strict=True):
        h.update(f"{page_id}:{digest}\n".encode())
    return h.hexdigest()


def export_partition(conn: psycopg.Connection, part: str, target: UPath) -> tuple[int, str]:
    """Stream the partition into one Parquet file; returns (rows, checksum)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target.parent.mkdir(parents=True, exist_ok=True)
    rows, h = 0, hashlib.sha256()
    with (
        conn.transaction(),  # a server-side cursor lives in a transaction
        conn.cursor(name=f"archive_{part}") as cur,
        target.open("wb") as sink,
        pq.ParquetWriter(sink, schema(), compression="zstd") as writer,
    ):
        cur.execute(SELECT.format(part=part))
        while batch := cur.fetchmany(BATCH_ROWS):
            columns = list(zip(*batch, strict=True))
            writer.write_table(pa.Table.from_arrays([list(c) for c in columns], schema=schema()))
            for page_id, digest in zip(columns[0], columns[7], strict=True):
                h.update(f"{page_id}:{digest}\n".encode())
            rows += len(batch)
    return rows, h.hexdigest()


def verify(target: UPath) -> tuple[int, str]:
    import pyarrow.parquet as pq

    with target.open("rb") as source:
        table = pq.read_table(source, columns=["page_id", "payload_sha256"])
    return table.num_rows, _checksum(
        table.column("page_id").to_pylist(), table.column("payload_sha256").to_pylist()
    )


def archive_partition(conn: psycopg.Connection, part: str, root: UPath, *, drop: bool) -> Archived:
    month = date(int(part[6:10]), int(part[11:13]), 1)
    target = root / "raw_pages" / f"month={month:%Y-%m}" / "pages.parquet"
    rows, checksum = export_partition(conn, part, target)
    read_rows, read_checksum = verify(target)
    verified = (read_rows, read_checksum) == (rows, checksum)
    with conn.transaction():
        conn.execute(
            """
            insert into ops.archive_manifest (relation, partition_name, range_start, range_end,
                                              uri, row_count, checksum, verified_at)
            values ('raw.pages', %s, %s, %s, %s, %s, %s, case when %s then now() end)
            on conflict (relation, range_start) do update
                set uri = excluded.uri, row_count = excluded.row_count,
                    checksum = excluded.checksum, archived_at = now(),
                    verified_at = excluded.verified_at
            """,
            (part, month, add_months(month, 1), str(target), rows, checksum, verified),
        )
    if not verified:
        raise RuntimeError(
            f"archive of raw.{part} did not verify ({read_rows} rows read back, {rows} written): "
            f"kept the partition; inspect {target}"
        )
    if drop:
        with conn.transaction():
            conn.execute("select ops.drop_archived_raw_partition(%s)", (part,))
    return Archived(part, month, str(target), rows, checksum, drop)


def archive_raw_pages(
    conn: psycopg.Connection, root: UPath, *, keep_months: int, now: datetime, drop: bool = True
) -> list[Archived]:
    return [
        archive_partition(conn, part, root, drop=drop)
        for part in due_partitions(conn, keep_months, now)
    ]
