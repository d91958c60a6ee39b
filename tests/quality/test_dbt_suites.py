"""The core and mart suites (quality/suites/core.py, marts.py): every core relation and mart has
one naming only its documented columns; a hand-inserted bad row fails exactly the expectation
that describes it (a hard one as an ERROR, a soft one as a WARN), its value kept in
ops.check_results and its GX result kept for the Data Docs."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
import yaml

from orchestration.lib.resources import DBT_PROJECT_DIR
from quality.suites import dbt_suites
from quality.suites.core import RULES as CORE
from quality.suites.marts import RULES as MARTS
from quality.validate import validate_relations

# a test copy of core.markets with the columns its suite reads
MARKETS = """
create schema if not exists core;
create table core.markets (
    venue text, market_id text, outcome text, status text, price numeric, bid numeric,
    ask numeric, settlement_value numeric, volume numeric, open_interest numeric,
    close_time timestamptz, observed_at timestamptz
)
"""
MARKET = (
    "insert into core.markets values (%s, %s, %s, %s, %s, 0.40, 0.42, null, 100, 10, "
    "'2026-11-23 18:00+00', '2026-11-23 12:00+00')"
)
SESSIONS = """
create schema if not exists marts;
create table marts.trading_sessions (
    venue text, session_id text, total_trades bigint, winning_trades bigint,
    losing_trades bigint, max_drawdown numeric, started_at timestamptz
)
"""


def _models(layer: str) -> dict[str, set[str]]:
    path = DBT_PROJECT_DIR / "models" / layer / f"_{layer}__models.yml"
    models = yaml.safe_load(path.read_text())["models"]
    return {f"{layer}.{m['name']}": {c["name"] for c in m.get("columns", [])} for m in models}


def test_every_core_relation_and_mart_has_a_suite_over_its_own_columns() -> None:
    documented = {**_models("core"), **_models("marts")}
    sql = {
        f"{layer}.{p.stem}"
        for layer in ("core", "marts")
        for p in (DBT_PROJECT_DIR / "models" / layer).glob("*.sql")
    }
    suites = dbt_suites()
    assert set(suites) == sql == set(documented)
    for relation, rules in suites.items():
        named = {r.column for r in rules} | {r.where[0] for r in rules if r.where}
        assert named <= documented[relation], (relation, named - documented[relation])
    # core promises only hard rules; every mart has at least one hard (unit or enum) rule
    assert all(r.hard for rules in CORE.values() for r in rules)
    assert all(any(r.hard for r in rules) for rules in MARTS.values())


def test_a_bad_row_in_a_core_relation_fails_its_expectation(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
        conn.execute(MARKET, ("kalshi", "KX-A", "yes", "open", 0.41))
        conn.execute(MARKET, ("polymarket", "0xabc", "chiefs", "closed", 0.62))
        conn.execute(MARKET, ("kalshi", "KX-B", "no", "halted", 1.5))  # a price in cents / 100?
    (result,) = validate_relations(
        db_url, {"core.markets": CORE["core.markets"]}, run_id="t1", results_dir=tmp_path
    )
    assert result.rows == 3
    failed = {f.rule.describe(): (f.unexpected_count, f.unexpected_sample) for f in result.failures}
    assert failed == {
        "in_set(status, values=['open', 'closed', 'settled'])": (1, ["halted"]),
        "between(price, lo=0, hi=1, strict_lo=False)": (1, [pytest.approx(1.5)]),
    }
    assert {f.rule.describe() for f in result.hard_failures} == set(failed)
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select suite, relation, expectation, unexpected_count, unexpected_sample::text, "
            "rows_validated, validated_through from ops.check_results "
            "where run_id = 't1' and not success order by expectation"
        ).fetchall()
        passed = conn.execute(
            "select count(*) from ops.check_results where run_id = 't1' and success"
        ).fetchone()[0]
    assert [r[:4] for r in stored] == [
        ("core.markets", "core.markets", "between(price, lo=0, hi=1, strict_lo=False)", 1),
        ("core.markets", "core.markets", "in_set(status, values=['open', 'closed', 'settled'])", 1),
    ]
    assert "1.5" in stored[0][4] and "halted" in stored[1][4]
    assert {(r[5], r[6]) for r in stored} == {(3, None)}  # no watermark: validated whole
    assert passed == len(CORE["core.markets"]) - 2
    kept = json.loads((tmp_path / "core.markets.json").read_text())
    assert kept["run_id"] == "t1" and kept["result"]["success"] is False


def test_the_kalshi_only_outcome_rule_ignores_polymarket_labels(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
        conn.execute(MARKET, ("polymarket", "0xabc", "chiefs", "open", 0.5))
        conn.execute(MARKET, ("kalshi", "KX-A", "chiefs", "open", 0.5))
    (result,) = validate_relations(db_url, {"core.markets": CORE["core.markets"]}, run_id="t2")
    (failure,) = result.failures
    assert (
        failure.rule.describe() == "in_set(outcome, values=['yes', 'no']) where venue in ['kalshi']"
    )
    assert (failure.unexpected_count, failure.unexpected_sample) == (1, ["chiefs"])


def test_a_soft_mart_rule_fails_as_a_warning(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(SESSIONS)
        conn.execute(
            "insert into marts.trading_sessions values ('okx', '', 3, 1, 2, 12.5, "
            "'2026-11-23 12:00+00'), ('okx', 's2', 2, 1, 1, -1, '2026-11-23 14:00+00')"
        )
    (result,) = validate_relations(
        db_url, {"marts.trading_sessions": MARTS["marts.trading_sessions"]}, run_id="t3"
    )
    assert {(f.rule.describe(), f.rule.hard) for f in result.failures} == {
        ("non_empty(session_id)", False),  # an id missing: a warning
        ("between(max_drawdown, lo=0, hi=None, strict_lo=False)", True),  # a drawdown < 0
    }


def test_a_relation_dbt_has_not_built_is_skipped(db_url: str) -> None:
    assert validate_relations(db_url, {"marts.bias": MARTS["marts.bias"]}, run_id="t4") == []
