"""int_stale_streams on hand-made ops.sync_runs: which streams the 4h report calls stale, since
when, and the last successful sync (real dbt on the two views; same rule as the source_ok check).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from ingestion.freshness import stream_health
from tests.dbt_runner import dbt, dbt_build

pytestmark = pytest.mark.slow


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


# (source, stream, started_at, finished_at, status, message), in run order
RUNS = [
    ("okx", "fills", at(8, 0), at(8, 1), "succeeded", None),
    ("kalshi", "fills", at(8, 2), at(8, 3), "failed", "RetryableVenueError: kalshi: HTTP 502"),
    ("okx", "fills", at(8, 5), at(8, 6), "failed", "RetryableVenueError: okx: HTTP 503"),
    ("kalshi", "fills", at(8, 7), at(8, 8), "succeeded", None),  # recovered within the window
    ("espn", "games", at(8, 9), at(8, 9), "skipped", "no leagues configured"),
    ("polymarket", "fills", at(9, 0), at(9, 1), "failed", "ConnectError: refused"),
    ("okx", "fills", at(9, 10), at(9, 11), "failed", "VenueError: okx: HTTP 401 (50113)"),
    ("okx", "fills", at(12, 5), at(12, 6), "succeeded", None),
    ("polymarket", "fills", at(13, 0), None, "running", None),  # crashed: not counted
    ("okx", "fills", at(16, 5), at(16, 6), "failed", "RetryableVenueError: okx: HTTP 503"),
]


def test_stale_streams_by_window(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url) as conn:
        for run in RUNS:
            conn.execute(
                "insert into ops.sync_runs (source, stream, started_at, finished_at, status, "
                "message) values (%s, %s, %s, %s, %s, %s)",
                run,
            )
    done = dbt(db_url, tmp_path, "build", "--select", "stg_ops__sync_runs", "int_stale_streams")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        conn.execute("set time zone 'UTC'")
        rows = conn.execute(
            "select period_start, stream_name, last_success_at, failing_since, failed_runs, "
            "error from intermediate.int_stale_streams order by period_start, stream_name"
        ).fetchall()
        okx_now = stream_health(conn, "okx", "fills")
        kalshi_now = stream_health(conn, "kalshi", "fills")
    # 08:00-12:00: okx last failed at 09:10 (2 failures since the 08:01 success, the first at
    # 08:05); polymarket never succeeded; kalshi failed then recovered in the window.
    # 12:00-16:00: okx succeeded last. 16:00-20:00: okx failed again, once since 12:06.
    assert rows == [
        (at(8), "okx/fills", at(8, 1), at(8, 5), 2, "VenueError: okx: HTTP 401 (50113)"),
        (at(8), "polymarket/fills", None, at(9, 0), 1, "ConnectError: refused"),
        (at(16), "okx/fills", at(12, 6), at(16, 5), 1, "RetryableVenueError: okx: HTTP 503"),
    ]
    # the Dagster check's rule agrees on the current state
    assert okx_now.is_stale and (okx_now.last_success_at, okx_now.failing_since) == (
        at(12, 6),
        at(16, 5),
    )
    assert okx_now.describe() == (
        "okx/fills: last successful sync 2026-11-23 12:06 UTC; failing since 2026-11-23 16:05 UTC "
        "(1 failed run): RetryableVenueError: okx: HTTP 503"
    )
    assert not kalshi_now.is_stale


# Scheduled streams that stop syncing without failing (the daemon was down, a schedule was
# switched off): late after their var stream_late_after_minutes (kalshi/markets 15, okx/candles
# 180), judged at each window's end and now for the current one.
LATE_RUNS = [
    ("kalshi", "markets", at(8, 0), at(8, 1), "succeeded", None),
    ("kalshi", "markets", at(8, 5), at(8, 6), "succeeded", None),
    ("okx", "candles", at(9, 0), at(9, 2), "succeeded", None),
    ("kalshi", "markets", at(13, 0), at(13, 1), "succeeded", None),
    ("kalshi", "markets", at(15, 50), at(15, 51), "succeeded", None),
]


def test_late_streams_by_window(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url) as conn:
        for run in sorted(RUNS + LATE_RUNS, key=lambda run: run[2]):
            conn.execute(
                "insert into ops.sync_runs (source, stream, started_at, finished_at, status, "
                "message) values (%s, %s, %s, %s, %s, %s)",
                run,
            )
    done = dbt_build(db_url, tmp_path, "+int_report_notable_events")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        conn.execute("set time zone 'UTC'")
        rows = conn.execute(
            "select period_start, stream_name, checked_at, last_success_at, "
            "minutes_since_success, late_after_minutes from intermediate.int_late_streams "
            "where period_start < '2026-11-24' order by period_start, stream_name"
        ).fetchall()
        now_rows = conn.execute(
            "select stream_name, last_success_at, checked_at > now() - interval '10 minutes' "
            "from intermediate.int_late_streams where period_start > '2026-11-24' "
            "order by stream_name"
        ).fetchall()
        lines = conn.execute(
            "select event_rank, markdown_line from intermediate.int_report_notable_events "
            "where event_type = 'late_source' and period_start = %s order by event_rank",
            (at(12),),
        ).fetchall()
    assert rows == [
        # 08:00-12:00, judged at 12:00: kalshi/fills last succeeded at 08:08 (232 min > 15),
        # kalshi/markets at 08:06 (234 min), okx/candles at 09:02 (178 min, not yet 180);
        # okx/fills and polymarket/fills are stale there (their last sync failed), espn/games
        # was skipped (switched off)
        (at(8), "kalshi/fills", at(12), at(8, 8), 232, 15),
        (at(8), "kalshi/markets", at(12), at(8, 6), 234, 15),
        # 12:00-16:00, at 16:00: kalshi/markets succeeded 9 min before (not late); okx/fills'
        # last sync (12:06) succeeded, 234 min before
        (at(12), "kalshi/fills", at(16), at(8, 8), 472, 15),
        (at(12), "okx/candles", at(16), at(9, 2), 418, 180),
        (at(12), "okx/fills", at(16), at(12, 6), 234, 15),
        # 16:00-20:00: okx/fills failed in it (stale, not late)
        (at(16), "kalshi/fills", at(20), at(8, 8), 712, 15),
        (at(16), "kalshi/markets", at(20), at(15, 51), 249, 15),
        (at(16), "okx/candles", at(20), at(9, 2), 658, 180),
    ]
    # now (the current window, no run in it): every stream that once succeeded and was not
    # switched off, okx/fills included: its last failure is in an earlier window
    assert now_rows == [
        ("kalshi/fills", at(8, 8), True),
        ("kalshi/markets", at(15, 51), True),
        ("okx/candles", at(9, 2), True),
        ("okx/fills", at(12, 6), True),
    ]
    # the 4h report's Data quality lines of 12:00-16:00
    assert lines == [
        (1, "**kalshi/fills is late**: last successful sync 2026-11-23 08:08 UTC, 472 min before "
            "the window's end (late after 15 min)"),
        (2, "**okx/candles is late**: last successful sync 2026-11-23 09:02 UTC, 418 min before "
            "the window's end (late after 180 min)"),
        (3, "**okx/fills is late**: last successful sync 2026-11-23 12:06 UTC, 234 min before "
            "the window's end (late after 15 min)"),
    ]  # fmt: skip
