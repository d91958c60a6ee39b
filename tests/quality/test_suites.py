"""The ledger suites (quality/): every ledger has one that names only its own columns; on the
demo data every expectation holds; a bad row fails the expectation that describes it, with the
row's value kept in ops.check_results; each run validates only what arrived since the last one;
a failed suite blocks what is downstream in Dagster."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import psycopg
import pytest

from orchestration.lib.ingest import ledger_key
from quality.suites import suites
from quality.validate import validate_ledgers

KALSHI_FILL = (
    "insert into ledger.kalshi_fills (account, fill_id, order_id, ticker, outcome, side, price, "
    "quantity, fee, executed_at, record_hash) values ('kalshi', %s, 'o', 'KX-T', 'yes', 'buy', "
    "0.5, 1, 0, %s, 'h')"
)


def test_every_ledger_has_a_suite_over_its_own_columns(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'ledger'"
        ):
            columns.setdefault(table, set()).add(column)
    own = suites()
    # the challenge ledger is written by the evaluator, and checked by its own checks
    assert set(own) == set(columns) - {"challenge_events"}
    for table, rules in own.items():
        assert {r.column for r in rules} <= columns[table], table
        assert any(r.kind == "past_time" and r.column == "loaded_at" for r in rules)


def test_demo_data_meets_every_expectation_and_a_second_run_validates_nothing(
    loaded_db: str,
) -> None:
    first = validate_ledgers(loaded_db, suites(), run_id="run-1")
    assert [r.relation for r in first if not r.success] == []
    assert sum(r.rows for r in first) > 2000  # the hl-whale alone has 2008 fills
    second = validate_ledgers(loaded_db, suites(), run_id="run-2")
    assert [r.rows for r in second] == [0] * len(second)
    with psycopg.connect(loaded_db) as conn:
        runs = conn.execute(
            "select run_id, bool_and(success), count(*) from ops.check_results group by run_id"
        ).fetchall()
    assert [(r[0], r[1]) for r in runs] == [("run-1", True)] and runs[0][2] > 100


def test_a_bad_row_fails_its_expectation_and_is_kept_with_its_value(loaded_db: str) -> None:
    kalshi = {"kalshi_fills": suites()["kalshi_fills"]}
    validate_ledgers(loaded_db, kalshi, run_id="before")
    with psycopg.connect(loaded_db) as conn:  # a fill dated in 2099 passes every CHECK
        conn.execute(KALSHI_FILL, ("future-fill", datetime(2099, 1, 1, tzinfo=UTC)))
    (result,) = validate_ledgers(loaded_db, kalshi, run_id="after")
    assert result.rows == 1
    assert [f.rule.describe() for f in result.failures] == ["past_time(executed_at)"]
    assert result.failures[0].unexpected_count == 1
    with psycopg.connect(loaded_db) as conn:
        stored = conn.execute(
            "select expectation, success, unexpected_count, unexpected_sample::text "
            "from ops.check_results where run_id = 'after' and not success"
        ).fetchall()
    assert stored == [("past_time(executed_at)", False, 1, stored[0][3])]
    assert "2099-01-01" in stored[0][3]


def test_a_failed_suite_blocks_what_is_downstream(db_url, monkeypatch) -> None:
    from orchestration.defs.kalshi.checks import standard_checks
    from orchestration.lib.resources import TradelakeResource

    monkeypatch.setenv("DATABASE_URL", db_url)
    ran: list[str] = []

    @dg.asset(key=ledger_key("kalshi_fills"))
    def kalshi_fills() -> None:  # lands one fill dated in the future, as a venue bug would
        with psycopg.connect(db_url) as conn:
            conn.execute(KALSHI_FILL, ("bad", datetime(2099, 1, 1, tzinfo=UTC)))

    @dg.asset(deps=[ledger_key("kalshi_fills")])
    def downstream() -> None:  # stands where dbt stands: one step after the ledgers
        ran.append("downstream")

    # the suite runs in the ledger's combined check step; only it is selected here
    suite = dg.AssetCheckKey(ledger_key("kalshi_fills"), "expectations")
    (check_def,) = [c for c in standard_checks if suite in c.check_keys]
    result = dg.materialize(
        [kalshi_fills, downstream, check_def],
        resources={"tradelake": TradelakeResource()},
        selection=dg.AssetSelection.assets(kalshi_fills, downstream).without_checks()
        | dg.AssetSelection.checks(suite),
        raise_on_error=False,
    )
    (check,) = result.get_asset_check_evaluations()
    assert (check.asset_key, check.passed) == (ledger_key("kalshi_fills"), False)
    assert "past_time(executed_at)" in check.description
    assert ran == []  # blocked
    assert not result.success


@pytest.mark.parametrize("url", ["postgresql://u@/db?host=/tmp/x&port=5432"])
def test_the_sqlalchemy_url_keeps_the_socket(url: str) -> None:
    from quality.validate import sqlalchemy_url

    assert sqlalchemy_url(url) == "postgresql+psycopg://u@/db?host=/tmp/x&port=5432"
