"""Retention: old raw partitions become verified Parquet, and only then leave PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import psycopg
import pyarrow.parquet as pq
import pytest
from upath import UPath

from ingestion.archive import archive_raw_pages, due_partitions

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def land(conn, fetched_at: str, body: str) -> None:
    conn.execute(
        "insert into raw.pages (source, endpoint, status, payload, payload_sha256, fetched_at) "
        "values ('t', '/x', 200, %s::jsonb, %s, %s)",
        (body, hashlib.sha256(body.encode()).hexdigest(), fetched_at),
    )


@pytest.fixture
def pages(db_url: str):
    with psycopg.connect(db_url, autocommit=True) as conn:
        land(conn, "2026-03-10T00:00:00Z", '{"price": 0.123456789012345678901}')
        land(conn, "2026-03-20T00:00:00Z", '{"n": 2}')
        land(conn, "2026-07-01T00:00:00Z", '{"n": 3}')
        land(conn, "2026-11-01T00:00:00Z", '{"n": 4}')  # inside the kept window
        yield conn


def test_only_months_past_the_window_are_due(pages) -> None:
    assert due_partitions(pages, keep_months=3, now=NOW) == ["pages_2026_03", "pages_2026_07"]
    assert due_partitions(pages, keep_months=12, now=NOW) == []


def test_archive_verifies_then_drops_and_keeps_every_digit(pages, tmp_path) -> None:
    done = archive_raw_pages(pages, UPath(tmp_path), keep_months=3, now=NOW)
    assert [(a.partition, a.rows, a.dropped) for a in done] == [
        ("pages_2026_03", 2, True),
        ("pages_2026_07", 1, True),
    ]
    table = pq.read_table(tmp_path / "raw_pages" / "month=2026-03" / "pages.parquet")
    assert table.num_rows == 2
    assert '"price": 0.123456789012345678901' in table.column("payload").to_pylist()[0]
    remaining = pages.execute("select count(*) from raw.pages").fetchone()
    assert remaining == (1,)
    manifest = pages.execute(
        "select partition_name, row_count, verified_at is not null, dropped_at is not null "
        "from ops.archive_manifest order by range_start"
    ).fetchall()
    assert manifest == [("pages_2026_03", 2, True, True), ("pages_2026_07", 1, True, True)]
    assert archive_raw_pages(pages, UPath(tmp_path), keep_months=3, now=NOW) == []


def test_a_partition_without_verified_archive_cannot_be_dropped(pages) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="no verified archive"):
        pages.execute("select ops.drop_archived_raw_partition('pages_2026_03')")
    assert pages.execute("select count(*) from raw.pages").fetchone() == (4,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        pages.execute("truncate raw.pages_2026_03")
