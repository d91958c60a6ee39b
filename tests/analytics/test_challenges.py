"""Prop-firm challenges on the demo data: the evaluator against real dbt outputs, the event
ledger with its guards, the marts rebuilt from the events, the Dagster asset and checks, and
`tradelake challenges`.

demo/ref/challenges.csv holds three challenges on the recorded fills:
- hl-10k-phase1 (Hyperliquid, 10,000, target 1.5 %, 3 trading days): funded by fill
  9123456789012349 on 2026-11-13: 10,000 - 5.251527 + 0.093612 + (91.14 - 13.23135)
  + (105.45 - 2.516332) = 10,175.684403, profit 1.757 % after 4 trading days;
- okx-10k-phase1 (OKX, daily limit 3 %): fails on 2026-11-18 at 03:12:44 when fill
  9300000000007966514 realises -652.425 (fee 7.33875);
- pm-1k-sprint (Polymarket, 5 days, target 50 %): expires on 2025-11-25 00:00 UTC.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from typer.testing import CliRunner

from challenges.evaluator import evaluate, replay
from challenges.store import (
    SequenceTaken,
    append,
    evaluate_all,
    evaluate_one,
    load_events,
    load_inputs,
    load_rules,
)
from ingestion.roles import dbt_url, ingest_url
from tests.analytics.performance_data import database_copy, demo_database
from tests.dbt_runner import dbt_build
from tradelake_cli.main import app

pytestmark = pytest.mark.slow

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BEFORE = "+int_pnl_events +int_fill_pnl +price_history +market_history"
AFTER = (
    "stg_challenges__events stg_ref__challenges challenges risk_alerts "
    "challenge_performance_analytics"
)
HL, OKX, PM = "hl-10k-phase1", "okx-10k-phase1", "pm-1k-sprint"


def db_name() -> str:
    return f"tl_challenges_{os.getpid()}"


def build(url: str, tmp: Path, select: str) -> None:
    done = dbt_build(url, tmp, select)
    assert done.returncode == 0, done.stdout[-6000:]


@pytest.fixture(scope="module")
def demo_db(
    pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    name = db_name()
    tmp = tmp_path_factory.mktemp("challenges")
    url = demo_database(pg_admin_url, template_db, name, tmp)
    sync_crypto_fills(url, tmp)
    build(url, tmp, BEFORE)
    yield url, tmp
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def evaluated(demo_db, pg_admin_url) -> Iterator[tuple[str, Path, list]]:
    """A copy of the demo database with the three challenges evaluated at NOW and the marts
    built (demo_db itself stays without events, for the tests that evaluate themselves)."""
    _, tmp = demo_db
    with database_copy(pg_admin_url, db_name(), "eval") as url:
        outcomes = evaluate_all(dbt_url(url), ingest_url(url), NOW)
        build(url, tmp, AFTER)
        yield url, tmp, outcomes


def sync_crypto_fills(url: str, tmp: Path) -> None:
    """The OKX and Hyperliquid own fills of the demo (the shared demo database has the
    prediction-market streams only)."""
    from ingestion.hyperliquid import sync as hyperliquid
    from ingestion.okx import sync as okx
    from ingestion.settings import parse_config
    from ingestion.sync import SyncContext
    from tests.analytics.performance_data import DEMO_CONFIG, ROOT
    from tests.analytics.performance_data import NOW as SYNCED_AT
    from tests.conftest import make_settings
    from tradelake_cli.demo import DEMO_ENV

    config = parse_config(DEMO_CONFIG.read_text(), origin=str(DEMO_CONFIG))
    for fn in (okx.sync_fills, hyperliquid.sync_fills):
        ctx = SyncContext(
            settings=make_settings(config, DEMO_ENV, tmp),
            database_url=url,
            replay_dir=ROOT / "tests" / "fixtures",
            now=lambda: SYNCED_AT,
        )
        try:
            assert fn(ctx).inserted > 0
        finally:
            ctx.close()


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def test_the_three_demo_challenges_reach_their_outcomes(evaluated) -> None:
    url, _, outcomes = evaluated
    assert {o.challenge_id: o.status for o in outcomes} == {
        HL: "FUNDED",
        OKX: "FAILED",
        PM: "FAILED",
    }
    got = {
        r[0]: r[1:]
        for r in rows(
            url,
            "select challenge_id, status, failure_reason, current_equity, trading_days, ended_at "
            "from marts.challenges",
        )
    }
    assert got[HL][:4] == ("FUNDED", None, Decimal("10175.684403"), 4)
    assert got[HL][4] == datetime(2026, 11, 13, 8, 0, 1, 250000, tzinfo=UTC)
    assert got[OKX][:2] == ("FAILED", "daily_drawdown")
    assert got[OKX][4] == datetime(2026, 11, 18, 3, 12, 44, tzinfo=UTC)
    assert got[PM][:2] == ("FAILED", "expired")
    assert got[PM][4] == datetime(2025, 11, 25, tzinfo=UTC)
    (text,) = rows(
        url,
        "select description from ledger.challenge_events "
        "where challenge_id = %s and event_type = 'RISK_VIOLATION_DETECTED'",
        OKX,
    )[0]
    assert text == (
        "Daily drawdown 6.43 % exceeded the 3.00 % limit after fill 9300000000007966514 on okx."
    )


def test_the_mart_is_the_replay_of_the_events_and_the_evaluation_of_the_fills(evaluated) -> None:
    """marts.challenges from the events (SQL) = the events replayed (Python) = a fresh
    evaluation of the fills and marks, with nothing in the ledger."""
    url, _, _ = evaluated
    mart = {
        r[0]: r[1:]
        for r in rows(
            url,
            "select challenge_id, status, current_equity, max_equity_ever, daily_start_equity, "
            "trading_days, last_sequence_number from marts.challenges",
        )
    }
    with psycopg.connect(url) as conn:
        for rules in load_rules(conn):
            from_ledger = replay(rules, load_events(conn, rules.challenge_id))
            items, marks = load_inputs(conn, rules, NOW)
            fresh_events = [e for g in evaluate(rules, [], items, marks, NOW) for e in g]
            from_fills = replay(rules, fresh_events)
            for state in (from_ledger, from_fills):
                assert mart[rules.challenge_id] == (
                    state.status,
                    state.equity,
                    state.max_equity,
                    state.daily_start_equity,
                    len(state.trading_days),
                    state.sequence_number,
                ), rules.challenge_id


def test_a_second_evaluation_adds_nothing(evaluated) -> None:
    url, _, _ = evaluated
    before = rows(url, "select count(*) from ledger.challenge_events")[0][0]
    again = evaluate_all(dbt_url(url), ingest_url(url), NOW)
    assert sum(o.appended for o in again) == 0
    assert rows(url, "select count(*) from ledger.challenge_events")[0][0] == before


def test_a_crash_between_groups_loses_and_duplicates_nothing(
    demo_db, evaluated, pg_admin_url
) -> None:
    url, _, _ = evaluated  # the uninterrupted run; the crash happens on a copy of demo_db
    with (
        database_copy(pg_admin_url, db_name(), "crash") as copy,
        psycopg.connect(dbt_url(copy)) as read,
        psycopg.connect(ingest_url(copy)) as write,
    ):
        (rules,) = [r for r in load_rules(read) if r.challenge_id == OKX]
        seen = []

        def crash_at_the_fifth_group(group) -> None:
            seen.append(group)
            if len(seen) == 5:
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError, match="killed"):
            evaluate_one(read, write, rules, NOW, before_append=crash_at_the_fifth_group)
        kept = load_events(write, OKX)
        assert len(kept) == sum(len(g) for g in seen[:4])  # whole groups only
        evaluate_one(read, write, rules, NOW)
        resumed = rows(
            copy,
            "select sequence_number, event_type, description, record_hash "
            "from ledger.challenge_events where challenge_id = %s order by 1",
            OKX,
        )
    uninterrupted = rows(
        url,
        "select sequence_number, event_type, description, record_hash "
        "from ledger.challenge_events where challenge_id = %s order by 1",
        OKX,
    )
    assert resumed == uninterrupted and len(resumed) == 86


def test_an_append_that_finds_its_sequence_number_taken_fails_and_the_evaluator_retries(
    demo_db, evaluated, pg_admin_url
) -> None:
    url, _, _ = evaluated
    expected = rows(
        url,
        "select sequence_number, event_type, description from ledger.challenge_events "
        "where challenge_id = %s order by 1",
        HL,
    )
    with (
        database_copy(pg_admin_url, db_name(), "race") as copy,
        psycopg.connect(dbt_url(copy)) as read,
        psycopg.connect(ingest_url(copy)) as write,
        psycopg.connect(ingest_url(copy)) as other,
    ):
        (rules,) = [r for r in load_rules(read) if r.challenge_id == HL]
        first_group = evaluate(rules, [], [], [], NOW)[0]
        append(other, first_group)
        with pytest.raises(SequenceTaken, match="sequence number 1 was appended"):
            append(write, first_group)  # the same numbers again: refused, nothing kept
        assert len(load_events(write, HL)) == len(first_group)

        competed: list = []

        def another_evaluator_appends_first(group) -> None:
            if not competed:  # it appends the group this evaluator is about to append
                append(other, group)
            competed.append(group)

        outcome = evaluate_one(
            read, write, rules, NOW, before_append=another_evaluator_appends_first
        )
        assert outcome.status == "FUNDED"
        got = rows(
            copy,
            "select sequence_number, event_type, description from ledger.challenge_events "
            "where challenge_id = %s order by 1",
            HL,
        )
    # the refused append was retried from the ledger: the same history, no gap, no duplicate
    assert got == expected and [r[0] for r in got] == list(range(1, 12))


@pytest.mark.parametrize(
    "statement",
    [
        "update ref.challenges set initial_balance = 1 where challenge_id = 'hl-10k-phase1'",
        "delete from ref.challenges where challenge_id = 'hl-10k-phase1'",
        "truncate ref.challenges cascade",
        "update ledger.challenge_events set description = 'x'",
        "delete from ledger.challenge_events",
        "truncate ledger.challenge_events",
    ],
)
def test_rules_and_events_are_immutable(evaluated, statement: str) -> None:
    url, _, _ = evaluated
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_risk_alerts_and_performance(evaluated) -> None:
    url, _, _ = evaluated
    alerts = rows(
        url,
        "select challenge_id, alert_type, severity, status, triggered_at from marts.risk_alerts "
        "where alert_type in ('PROFIT_TARGET_REACHED', 'HIGH_DRAWDOWN', "
        "'DAILY_DRAWDOWN_EXCEEDED') order by 1, 2",
    )
    failed_at = datetime(2026, 11, 18, 3, 12, 44, tzinfo=UTC)
    assert alerts == [
        (HL, "PROFIT_TARGET_REACHED", "LOW", "RESOLVED",
         datetime(2026, 11, 13, 8, 0, 1, 250000, tzinfo=UTC)),
        (OKX, "DAILY_DRAWDOWN_EXCEEDED", "CRITICAL", "RESOLVED", failed_at),
        # 80 % of the 3 % daily limit is 2.4 %: first reached by the failing fill itself
        (OKX, "HIGH_DRAWDOWN", "HIGH", "RESOLVED", failed_at),
    ]  # fmt: skip
    hl = rows(
        url,
        "select fills, winning_trades, losing_trades, win_rate, total_fees, net_pnl "
        "from marts.challenge_performance_analytics where challenge_id = %s",
        HL,
    )[0]
    # fees 5.251527 - 0.093612 + 13.23135 + 2.516332; the two closing fills won
    assert hl == (4, 2, 0, Decimal(1), Decimal("20.905597"), Decimal("175.684403"))


def test_the_asset_and_its_checks_materialize_and_the_cli_prints_the_table(
    demo_db, pg_admin_url, monkeypatch
) -> None:
    from orchestration.defs.challenges.assets import challenge_events
    from orchestration.defs.challenges.checks import (
        mart_equals_replay,
        one_terminal_event_at_most,
        sequence_without_gaps,
    )
    from orchestration.lib.resources import TradelakeResource

    _, tmp = demo_db
    with database_copy(pg_admin_url, db_name(), "dagster") as copy:
        monkeypatch.setenv("DATABASE_URL", copy)
        result = dg.materialize(
            [challenge_events, sequence_without_gaps, one_terminal_event_at_most],
            resources={"tradelake": TradelakeResource()},
        )
        assert result.success
        (materialization,) = result.asset_materializations_for_node("ledger__challenge_events")
        assert materialization.metadata["events_appended"].value == 86 + 11 + 14
        checks = result.get_asset_check_evaluations()
        assert sorted((c.check_name, c.passed) for c in checks) == [
            ("one_terminal_event_at_most", True),
            ("sequence_without_gaps", True),
        ]
        build(copy, tmp, AFTER)
        replayed = dg.materialize(
            [mart_equals_replay],
            resources={"tradelake": TradelakeResource()},
            selection=dg.AssetSelection.checks(mart_equals_replay),
        )
        assert [c.passed for c in replayed.get_asset_check_evaluations()] == [True]
        result = CliRunner().invoke(app, ["challenges"], env={"COLUMNS": "160"})
        assert result.exit_code == 0, result.output
        assert "hl-10k-phase1" in result.output and "FUNDED" in result.output
        assert "okx-10k-phase1" in result.output and "(daily_drawdown)" in result.output
        assert "Challenge pm-1k-sprint expired" in result.output
