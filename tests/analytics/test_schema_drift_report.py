"""The 4h report's Data quality section lists schema drift and broken hash chains (issue 16):
hand-made ops.schema_drift / ops.check_results rows through a real dbt build of the staging
models and int_report_notable_events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.dbt_runner import dbt_build

pytestmark = pytest.mark.slow


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


# (source, stream, field, change, is_blocking, detail, page_id, first_seen_at)
DRIFT = [
    ("kalshi", "fills", "yes_price_dollars", "unit", True,
     "'48.50' is above 1 (a price in cents?) (4 of 4 record(s))", 412, at(9, 30)),
    ("kalshi", "balance", "balance_breakdown", "added", False,
     "not in the model (first value: array)", 7, at(9, 0)),
    ("okx", "fills", "ts", "unit", True,
     "'1795388400' is Unix seconds, not milliseconds (3 of 3 record(s))", 9, at(13, 0)),
]  # fmt: skip


def test_drift_is_listed_in_the_window_it_was_first_seen(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url) as conn:
        for row in DRIFT:
            conn.execute(
                "insert into ops.schema_drift (source, stream, field, change, is_blocking, "
                "detail, page_id, first_seen_at) values (%s, %s, %s, %s, %s, %s, %s, %s)",
                row,
            )
    done = dbt_build(db_url, tmp_path, "+int_report_notable_events")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        conn.execute("set time zone 'UTC'")
        staged = conn.execute(
            "select source_name, field_name, change, is_blocking, page_id, seen_count, cleared_at "
            "from staging.stg_ops__schema_drift order by schema_drift_id"
        ).fetchall()
        events = conn.execute(
            "select period_start, event_rank, markdown_line, detail->>'field' "
            "from intermediate.int_report_notable_events where event_type = 'schema_drift' "
            "order by period_start, event_rank"
        ).fetchall()
    assert staged == [
        ("kalshi", "yes_price_dollars", "unit", True, 412, 1, None),
        ("kalshi", "balance_breakdown", "added", False, 7, 1, None),
        ("okx", "ts", "unit", True, 9, 1, None),
    ]
    # 08:00-12:00 holds both Kalshi rows, the blocking one first; 12:00-16:00 the OKX one
    assert events == [
        (
            at(8),
            1,
            "blocking drift in kalshi/fills: `yes_price_dollars` unit on page 412 ('48.50' is "
            "above 1 (a price in cents?) (4 of 4 record(s)))",
            "yes_price_dollars",
        ),
        (
            at(8),
            2,
            "new-field drift in kalshi/balance: `balance_breakdown` added on page 7 (not in the "
            "model (first value: array))",
            "balance_breakdown",
        ),
        (
            at(12),
            1,
            "blocking drift in okx/fills: `ts` unit on page 9 ('1795388400' is Unix seconds, "
            "not milliseconds (3 of 3 record(s)))",
            "ts",
        ),
    ]


def test_a_broken_chain_is_listed_and_intact_checks_are_not(db_url: str, tmp_path: Path) -> None:
    """ops.check_results as the chain_intact checks and `tradelake verify` write it: a broken
    chain is an incident of its window (once per ledger, its first sighting); intact checks and
    failed GX expectations are not chain incidents."""
    rows = [  # (run_id, suite, relation, success, observed_value, checked_at)
        ("r1", "hash_chain", "ledger.kalshi_fills", True, '{"head_seq": 9}', at(9)),
        ("r1", "hash_chain", "ledger.okx_fills", True, '{"head_seq": 4}', at(9)),
        ("verify-1", "verify", "ledger.kalshi_fills", False,
         '{"head_seq": 9, "broken_seq": 5, "problem": "row 5 is not the row that was chained"}',
         at(10)),
        ("verify-2", "verify", "ledger.kalshi_fills", False,
         '{"head_seq": 9, "broken_seq": 5, "problem": "row 5 again"}', at(11)),
    ]  # fmt: skip
    with psycopg.connect(db_url) as conn:
        for run_id, suite, relation, success, observed, checked_at in rows:
            conn.execute(
                "insert into ops.check_results (run_id, suite, relation, expectation, success, "
                "observed_value, rows_validated, checked_at) "
                "values (%s, %s, %s, 'chain_intact', %s, %s, 0, %s)",
                (run_id, suite, relation, success, observed, checked_at),
            )
        conn.execute(
            "insert into ops.check_results (run_id, suite, relation, expectation, success, "
            "rows_validated, checked_at) values ('r1', 'ledger.okx_fills', 'ledger.okx_fills', "
            "'positive(price)', false, 3, %s)",
            (at(9),),
        )
    done = dbt_build(db_url, tmp_path, "+int_report_notable_events")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        conn.execute("set time zone 'UTC'")
        events = conn.execute(
            "select period_start, event_type, markdown_line from "
            "intermediate.int_report_notable_events "
            "where event_type in ('chain_broken', 'failed_expectation') order by event_type"
        ).fetchall()
    assert events == [
        (
            at(8),
            "chain_broken",
            "**hash chain of `ledger.kalshi_fills` broken** at chain_seq 5: row 5 is not the row "
            "that was chained (run `tradelake verify`; docs/reliability.md §11)",
        ),
        (
            at(8),
            "failed_expectation",
            "some row(s) of `ledger.okx_fills` failed the expectation `positive(price)` (e.g. n/a)",
        ),
    ]
