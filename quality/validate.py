"""Validate rows with Great Expectations and keep every outcome in ops.check_results.

Ledgers (`validate_ledgers`, before dbt): each run validates, per ledger, the rows loaded after
the last run that validated it (the `validated_through` watermark in ops.check_results), so a
run costs what it loaded, not the ledger's size; the first run validates everything.

dbt relations (`validate_relations`, after dbt: core and marts): dbt rebuilds them, so every run
validates the whole relation, reading only the columns its rules name.

One ephemeral GX context per process (a run's steps share one process, so one per run), one
SQL data source on the project's own database URL (`add_sql`: GX's `add_postgres` refuses the
embedded database's Unix-socket URL), one query asset per relation, all of a relation's
expectations validated on one batch. Each suite's latest GX result is kept as JSON under
$TRADELAKE_HOME for the Data Docs (quality/docs.py).
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from quality.results import CheckRow, store
from quality.rules import Rule, to_expectation

SAMPLE = 5  # offending values kept per failed expectation
_SOURCES: dict[str, Any] = {}  # database URL -> the GX SQL data source of this process


_GX_LOCK = threading.Lock()  # one validation at a time: GX's context is not made for threads


def _idle_priority() -> None:
    """Nice the early validations' thread (Linux: per thread) so that a validation begun during
    a dbt build takes only the CPU that dbt and PostgreSQL leave (begun at the same priority,
    they slowed the build by about as much as they saved)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# its thread starts with the first validation begun early, so only in a run that does
_EARLY_THREAD = ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="tradelake-gx-early", initializer=_idle_priority
)
_EARLY_RUNS: set[str] = set()  # runs whose every step runs in this process
_EARLY: dict[tuple[str, str], Future] = {}  # (run id, relation) -> its validation, begun early


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
    early: bool = False  # validated by the dbt step as it built the relation (validate_early)

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def hard_failures(self) -> list[Outcome]:
        """Failed unit or contract promises (ERROR); the other failures are warnings."""
        return [o for o in self.failures if o.rule.hard]


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


def prewarm() -> threading.Thread:
    """Import Great Expectations (≈ 5 s of CPU) in a background thread, for a process that will
    validate later, after work that mostly waits (source syncs, dbt): the import then overlaps
    that waiting instead of delaying the first suite. A failed import here is left for
    `gx_source` to raise where it is needed."""

    def load() -> None:
        with contextlib.suppress(Exception):
            import great_expectations  # noqa: F401

    thread = threading.Thread(target=load, name="tradelake-gx-import", daemon=True)
    thread.start()
    return thread


def gx_source(url: str) -> tuple[Any, Any]:
    """(the `great_expectations` module, this process's SQL data source on `url`): the context
    is made once per process, not once per check."""
    import great_expectations as gx  # ~5 s: only here

    if url not in _SOURCES:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        with warnings.catch_warnings():  # "a PostgresDatasource may be more appropriate": it
            warnings.simplefilter("ignore")  # refuses the embedded database's socket URL
            _SOURCES[url] = context.data_sources.add_sql(
                "tradelake", connection_string=sqlalchemy_url(url)
            )
    return gx, _SOURCES[url]


def run_suite(
    url: str, name: str, query: str, rules: list[Rule], now: datetime
) -> tuple[list[Outcome], Any]:
    """Validate every rule on the rows of `query` (one batch); the outcomes and the GX result."""
    with _GX_LOCK:
        gx, source = gx_source(url)
        if any(a.name == name for a in source.assets):  # the asset of an earlier run
            source.delete_asset(name)
        asset = source.add_query_asset(name, query=query)
        batch = asset.add_batch_definition_whole_table("rows").get_batch()
        expectations = [to_expectation(r, gx, now) for r in rules]
        suite = gx.ExpectationSuite(name=name, expectations=expectations)
        # BASIC: the counts and up to 20 offending values that _outcome keeps; SUMMARY would
        # add a value-count metric per column rule, about a fifth of a suite's time
        # (docs/benchmarks.md)
        result = batch.validate(suite, result_format="BASIC")
    outcomes = [_outcome(rule, res) for rule, res in zip(rules, result.results, strict=True)]
    return outcomes, result


def validate_ledgers(
    url: str,
    suites: dict[str, list[Rule]],
    *,
    run_id: str,
    now: datetime | None = None,
    full: bool = False,
    results_dir: Path | None = None,
) -> list[SuiteResult]:
    """Validate each ledger's new rows against its suite; store and return the outcomes.

    `full` validates every row whatever the watermark (a `tradelake`-driven audit)."""
    now = now or datetime.now(UTC)
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
            outcomes, gx_result = run_suite(url, relation, query, rules, now)
            result = SuiteResult(relation, count, through, outcomes)
            _store(conn, run_id, result)
            _keep(results_dir, relation, run_id, gx_result)
            results.append(result)
    return results


def validate_relations(
    url: str,
    suites: dict[str, list[Rule]],
    *,
    run_id: str,
    now: datetime | None = None,
    results_dir: Path | None = None,
) -> list[SuiteResult]:
    """Validate whole dbt relations (`schema.name` -> rules); store and return the outcomes.
    A relation dbt has not built (yet) is skipped: it has nothing to promise."""
    now = now or datetime.now(UTC)
    results = []
    with psycopg.connect(url) as conn:
        for relation, rules in suites.items():
            early = _EARLY.pop((run_id, relation), None)
            if early is not None:  # begun as dbt built it (validate_early)
                outcomes, gx_result = early.result()
            elif conn.execute("select to_regclass(%s)", (relation,)).fetchone()[0] is None:
                continue
            else:
                outcomes, gx_result = run_suite(url, relation, _query(relation, rules), rules, now)
            result = SuiteResult(relation, _rows(gx_result), None, outcomes, early is not None)
            _store(conn, run_id, result)
            _keep(results_dir, relation, run_id, gx_result)
            results.append(result)
    return results


def _query(relation: str, rules: list[Rule]) -> str:
    """The columns of `relation` that its rules read."""
    columns = sorted({r.column for r in rules} | {r.where[0] for r in rules if r.where})
    return f"select {', '.join(columns)} from {relation}"


@contextlib.contextmanager
def early_validation(run_id: str) -> Iterator[None]:
    """While run `run_id` executes with every step in this process (`tradelake materialize`),
    its dbt steps may begin validating a relation as soon as dbt has built it
    (`validate_early`); the check step that validates the relation takes that result instead
    of validating again. The validation then runs beside the rest of the dbt build (which
    mostly waits on PostgreSQL) instead of after it. A run whose steps run in separate
    processes (the daemon's) validates in its check steps as before. Validations not taken by
    the end (their check step did not run) are dropped."""
    _EARLY_RUNS.add(run_id)
    try:
        yield
    finally:
        _EARLY_RUNS.discard(run_id)
        for key in [key for key in _EARLY if key[0] == run_id]:
            _EARLY.pop(key).cancel()


def validate_early(
    url: str, run_id: str, suites: dict[str, list[Rule]]
) -> Callable[[str], None] | None:
    """For a run inside `early_validation`: a function that begins validating a relation of
    `suites` (`schema.name`), called by a dbt step for each relation it has just built (a
    relation dbt is done with is not written again in the run). The validation runs on a thread
    of its own at idle priority; the check step that takes it stores the outcomes and keeps the
    result, as for a validation it runs itself. None for any other run."""
    if run_id not in _EARLY_RUNS:
        return None

    def begin(relation: str) -> None:
        rules = suites.get(relation)
        if rules is None:
            return
        # built again in the run (a retried step): the validation of the earlier build is void
        if (earlier := _EARLY.pop((run_id, relation), None)) is not None:
            earlier.cancel()
        now = datetime.now(UTC)
        _EARLY[(run_id, relation)] = _EARLY_THREAD.submit(
            run_suite, url, relation, _query(relation, rules), rules, now
        )

    return begin


def _rows(gx_result: Any) -> int:
    """The relation's row count, as GX counted it (the largest element count: a rule with a
    row condition counts only its rows)."""
    return max((r.result or {}).get("element_count") or 0 for r in gx_result.results)


def _keep(results_dir: Path | None, relation: str, run_id: str, gx_result: Any) -> None:
    if results_dir is not None:
        from quality.docs import keep_result

        keep_result(results_dir, relation, run_id, gx_result)


def _outcome(rule: Rule, res: Any) -> Outcome:
    detail = res.result or {}
    error = _error(res.exception_info or {})
    if not res.success and error:  # the query or the metric failed: say why
        return Outcome(rule=rule, success=False, observed_value={"error": error[:500]})
    return Outcome(
        rule=rule,
        success=bool(res.success),
        observed_value=detail.get("observed_value"),
        unexpected_count=detail.get("unexpected_count"),
        unexpected_sample=list(detail.get("partial_unexpected_list") or [])[:SAMPLE],
    )


def _error(info: dict) -> str | None:
    """GX keeps an exception either flat or per metric."""
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


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
