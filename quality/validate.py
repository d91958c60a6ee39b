"""Validate ledger rows with Great Expectations and keep every outcome in ops.check_results.

Each run validates, per ledger, the rows loaded after the last run that validated it (the
`validated_through` watermark in ops.check_results), so a run costs what it loaded, not the
ledger's size; the first run validates everything. One ephemeral GX context per call, one SQL
data source on the project's own database URL (`add_sql`: GX's `add_postgres` refuses the
embedded database's Unix-socket URL), one query asset per ledger.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from quality.results import CheckRow, store
from quality.rules import Rule, to_expectation

SAMPLE = 5  # offending values kept per failed expectation


@dataclass
class Outcome:
    """One expectation's result."""

    rule: Rule
    success: bool
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_sample: list[Any] = field(default_factory=list)

    def line(self) -> str:
        seen = f", {self.unexpected_count} rows e.g. {self.unexpected_sample}"
        return f"{self.rule.describe()}{seen if self.unexpected_count else ''}"


@dataclass
class SuiteResult:
    relation: str
    rows: int
    validated_through: datetime | None
    outcomes: list[Outcome]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]


def sqlalchemy_url(url: str) -> str:
    """The project's libpq URL for SQLAlchemy with psycopg 3 (a Unix-socket host kept)."""
    scheme, rest = url.split("://", 1)
    if "+" in scheme:
        return url
    return f"postgresql+psycopg://{rest}"


def watermark(conn: psycopg.Connection, relation: str) -> datetime | None:
    row = conn.execute(
        "select max(validated_through) from ops.check_results where relation = %s",
        (relation,),
    ).fetchone()
    return row[0] if row else None


def validate_ledgers(
    url: str,
    suites: dict[str, list[Rule]],
    *,
    run_id: str,
    now: datetime | None = None,
    full: bool = False,
) -> list[SuiteResult]:
    """Validate each ledger's new rows against its suite; store and return the outcomes.

    `full` validates every row whatever the watermark (a `tradelake`-driven audit)."""
    import great_expectations as gx  # ~5 s: only here

    now = now or datetime.now(UTC)
    context = gx.get_context(mode="ephemeral")
    with warnings.catch_warnings():  # "a PostgresDatasource may be more appropriate": it
        warnings.simplefilter("ignore")  # refuses the embedded database's socket URL
        source = context.data_sources.add_sql("tradelake", connection_string=sqlalchemy_url(url))
    results = []
    with psycopg.connect(url) as conn:
        for table, rules in suites.items():
            relation = f"ledger.{table}"
            since = None if full else watermark(conn, relation)
            where = "" if since is None else " where loaded_at > %s"
            count, through = conn.execute(
                f"select count(*), max(loaded_at) from {relation}{where}",
                () if since is None else (since,),
            ).fetchone()
            if count == 0:
                results.append(SuiteResult(relation, 0, since, []))
                continue
            # exactly the rows counted: loaded after the watermark, up to the newest one now
            query = (
                f"select * from {relation} where loaded_at <= '{through.isoformat()}'::timestamptz"
            )
            if since is not None:
                query += f" and loaded_at > '{since.isoformat()}'::timestamptz"
            asset = source.add_query_asset(table, query=query)
            batch = asset.add_batch_definition_whole_table("new_rows").get_batch()
            suite = gx.ExpectationSuite(
                name=relation, expectations=[to_expectation(r, gx, now) for r in rules]
            )
            outcome = batch.validate(suite, result_format="SUMMARY")
            outcomes = [
                _outcome(rule, res) for rule, res in zip(rules, outcome.results, strict=True)
            ]
            result = SuiteResult(relation, count, through, outcomes)
            _store(conn, run_id, result)
            results.append(result)
    return results


def _outcome(rule: Rule, res: Any) -> Outcome:
    detail = res.result or {}
    return Outcome(
        rule=rule,
        success=bool(res.success),
        observed_value=detail.get("observed_value"),
        unexpected_count=detail.get("unexpected_count"),
        unexpected_sample=list(detail.get("partial_unexpected_list") or [])[:SAMPLE],
    )


def _store(conn: psycopg.Connection, run_id: str, result: SuiteResult) -> None:
    store(
        conn,
        run_id,
        (
            CheckRow(
                suite=result.relation,
                relation=result.relation,
                expectation=o.rule.describe(),
                column_name=o.rule.column,
                success=o.success,
                observed_value=o.observed_value,
                unexpected_count=o.unexpected_count,
                unexpected_sample=o.unexpected_sample,
                rows_validated=result.rows,
                validated_through=result.validated_through,
            )
            for o in result.outcomes
        ),
    )
