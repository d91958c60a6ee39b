"""The 4h report's Data quality section lists what the core and mart suites found and the
ledgers' volume warnings (issue 16): hand-made ops.check_results rows, as the checks write them,
through a real dbt build of int_report_notable_events."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.dbt_runner import dbt_build

pytestmark = pytest.mark.slow


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


PRICE = "between(price, lo=0, hi=1, strict_lo=False)"
VOLUME = {
    "day": "2026-11-22", "rows": 0, "expected": 305.0, "history": [300, 320, 0, 310, 305, 290, 330],
    "trailing_days": 7, "min_expected_rows": 100, "min_ratio": 0.1,
}  # fmt: skip
# (run_id, suite, relation, expectation, success, unexpected_count, sample, observed, checked_at)
ROWS = [
    # core.markets validated whole by two runs of the window: 3 bad rows, then 2 (not 5)
    ("r1", "core.markets", "core.markets", PRICE, False, 3, [1.5], None, at(9)),
    ("r2", "core.markets", "core.markets", PRICE, False, 2, [1.5], None, at(10)),
    # a ledger's suite validates each run's new rows: 1 + 2 = 3
    ("r1", "ledger.okx_fills", "ledger.okx_fills", "positive(price)", False, 1, [0], None, at(9)),
    ("r2", "ledger.okx_fills", "ledger.okx_fills", "positive(price)", False, 2, [0], None, at(10)),
    ("r1", "volume", "ledger.kalshi_fills", "row_count_volume", False, None, None, VOLUME, at(9)),
    ("r2", "volume", "ledger.kalshi_fills", "row_count_volume", False, None, None, VOLUME, at(10)),
    ("r1", "volume", "ledger.okx_fills", "row_count_volume", True, None, None, VOLUME, at(9)),
    ("r1", "marts.bias", "marts.bias", "between(value, lo=-1, hi=1, strict_lo=False)", True, 0,
     [], None, at(9)),
]  # fmt: skip


def test_core_mart_failures_and_volume_warnings_are_listed(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url) as conn:
        for run_id, suite, relation, expectation, ok, count, sample, observed, when in ROWS:
            conn.execute(
                "insert into ops.check_results (run_id, suite, relation, expectation, success, "
                "unexpected_count, unexpected_sample, observed_value, rows_validated, checked_at) "
                "values (%s, %s, %s, %s, %s, %s, %s, %s, 0, %s)",
                (run_id, suite, relation, expectation, ok, count, json.dumps(sample),
                 json.dumps(observed), when),
            )  # fmt: skip
    done = dbt_build(db_url, tmp_path, "+int_report_notable_events")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        conn.execute("set time zone 'UTC'")
        events = conn.execute(
            "select period_start, event_type, markdown_line, detail->>'expected' "
            "from intermediate.int_report_notable_events "
            "where event_type in ('failed_expectation', 'volume_warning') "
            "order by event_type, event_rank"
        ).fetchall()
    assert events == [
        (at(8), "failed_expectation",
         f"2 row(s) of `core.markets` failed the expectation `{PRICE}` (e.g. [1.5])", None),
        (at(8), "failed_expectation",
         "3 row(s) of `ledger.okx_fills` failed the expectation `positive(price)` (e.g. [0])",
         None),
        (at(8), "volume_warning",
         "`ledger.kalshi_fills` loaded 0 row(s) on 2026-11-22 (UTC) where the 7 days before had "
         "a median of 305.0 a day", "305.0"),
    ]  # fmt: skip
