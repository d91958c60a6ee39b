"""Rows of ops.check_results (migration 0216), the one table every data-quality outcome lands
in: Great Expectations suites (quality/validate.py), the `chain_intact` checks of the ledgers and
`tradelake verify` (suite `hash_chain` / `verify`, expectation `chain_intact`). The 4h report's
"Data quality" section reads it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import psycopg

CHAIN_EXPECTATION = "chain_intact"


@dataclass(frozen=True)
class CheckRow:
    suite: str
    relation: str
    expectation: str
    success: bool
    rows_validated: int
    column_name: str | None = None
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_sample: Any = None
    validated_through: datetime | None = None


class ChainReport(Protocol):  # ingestion.chain.TableReport
    table: str
    rows: int
    head_seq: int
    digested_seq: int
    broken_seq: int | None
    problem: str | None


def store(conn: psycopg.Connection, run_id: str, rows: Iterable[CheckRow]) -> None:
    """Append the rows in one transaction."""
    with conn.transaction():
        for r in rows:
            conn.execute(
                """
                insert into ops.check_results (run_id, suite, relation, expectation, column_name,
                    success, observed_value, unexpected_count, unexpected_sample,
                    rows_validated, validated_through)
                values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                """,
                (
                    run_id,
                    r.suite,
                    r.relation,
                    r.expectation,
                    r.column_name,
                    r.success,
                    json.dumps(r.observed_value, default=str),
                    r.unexpected_count,
                    json.dumps(r.unexpected_sample, default=str),
                    r.rows_validated,
                    r.validated_through,
                ),
            )


def chain_rows(suite: str, reports: Iterable[ChainReport]) -> list[CheckRow]:
    """One row per ledger verified: intact or where its chain broke. validated_through stays
    NULL: it is the GX suites' watermark, which a chain check must not move."""
    return [
        CheckRow(
            suite=suite,
            relation=r.table if r.table.startswith("ledger.") else f"ledger.{r.table}",
            expectation=CHAIN_EXPECTATION,
            success=r.problem is None,
            rows_validated=r.rows,
            observed_value={
                "head_seq": r.head_seq,
                "digested_seq": r.digested_seq,
                **({"broken_seq": r.broken_seq, "problem": r.problem} if r.problem else {}),
            },
            unexpected_count=None if r.problem is None else 1,
        )
        for r in reports
    ]
