"""Real Dagster materializations of the Kalshi assets and checks, the schedules and the
settlement-watch sensor."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import psycopg
import pytest

from orchestration.defs.kalshi import assets, checks, schedules, sensors
from orchestration.lib.ingest import ledger_key
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.kalshi.conftest import CONFIG, FIXTURES

ASSETS = [
    assets.kalshi_markets,
    assets.kalshi_fills,
    assets.kalshi_orders,
    assets.kalshi_settlements,
    assets.kalshi_positions,
    assets.kalshi_balance,
]


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch, env) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES, env)


def inserted(result) -> dict[str, int]:
    return {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["rows_inserted"].value
        for e in result.get_asset_materialization_events()
    }


def test_assets_and_checks_materialize(resource):
    result = dg.materialize([*ASSETS, *checks.standard_checks], resources={"tradelake": resource})
    assert result.success
    assert inserted(result) == {
        "kalshi_market_observations": 8,
        "kalshi_fills": 6,
        "kalshi_order_observations": 13,
        "kalshi_settlements": 3,
        "kalshi_position_observations": 2,
        "kalshi_balance_observations": 1,
    }
    evaluations = {
        (e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }
    assert evaluations[("kalshi_fills", "no_conflicting_redelivery")] is True
    assert evaluations[("kalshi_fills", "quarantine_empty")] is False  # the price-less fill
    # the order whose initial_count_fp is "ten"
    assert evaluations[("kalshi_order_observations", "quarantine_empty")] is False
    chains = {t: passed for (t, name), passed in evaluations.items() if name == "chain_intact"}
    assert chains == dict.fromkeys(inserted(result), True)
    drift = {t: passed for (t, name), passed in evaluations.items() if name == "schema_drift"}
    # the balance answer carries balance_breakdown, which the model does not declare: a warning
    assert drift == {**dict.fromkeys(inserted(result), True), "kalshi_balance_observations": False}


def test_chain_intact_fails_on_a_row_edited_behind_the_triggers(
    resource, db_url, tmp_path, monkeypatch
):
    """The check verifies the rows added since the latest digest (here: none yet, all of them);
    a fill edited by a superuser with the triggers off fails it, naming the row."""
    from ingestion.chain import write_digest

    monkeypatch.setenv("TRADELAKE_HOME", str(tmp_path))
    dg.materialize([assets.kalshi_fills], resources={"tradelake": resource})
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")
        conn.execute("update ledger.kalshi_fills set fee = 0 where chain_seq = 2")
    result = dg.materialize(
        [assets.kalshi_fills, *checks.standard_checks],
        resources={"tradelake": resource},
        selection=[ledger_key("kalshi_fills")],
        raise_on_error=False,
    )
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "chain_intact"
    ]
    assert not evaluation.passed
    assert evaluation.description.startswith("broken at chain_seq 2: row 2 is not the row")
    # once a digest holds the head, the check looks only at the rows added after it
    with psycopg.connect(db_url) as conn:
        write_digest(conn, tmp_path, "run-1")
    again = dg.materialize(
        [assets.kalshi_fills, *checks.standard_checks],
        resources={"tradelake": resource},
        selection=[ledger_key("kalshi_fills")],
    )
    (evaluation,) = [
        e for e in again.get_asset_check_evaluations() if e.check_name == "chain_intact"
    ]
    assert evaluation.passed and evaluation.metadata["rows_checked"].value == 0


def test_missing_key_is_a_skipped_stream_not_a_failed_run(resource, monkeypatch):
    monkeypatch.delenv("KALSHI_API_KEY_ID")
    result = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert result.success
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert "KALSHI_API_KEY_ID" in meta["kalshi_fills"]["skipped"].value
    assert meta["kalshi_market_observations"]["rows_inserted"].value == 8


def test_group_and_schedules():
    assert {a.group_names_by_key[a.key] for a in ASSETS} == {"kalshi"}
    for s in (schedules.kalshi_markets_frequent, schedules.kalshi_portfolio_frequent):
        assert s.default_status == dg.DefaultScheduleStatus.RUNNING
    portfolio = schedules.kalshi_portfolio_frequent.target.resolvable_to_job.selection
    assert ledger_key(assets.ORDERS) in portfolio.resolve(ASSETS)
    assert sensors.kalshi_settlement_watch.default_status == dg.DefaultSensorStatus.RUNNING


def sensor_context(resource, cursor=None):
    return dg.build_sensor_context(
        resources={"tradelake": resource}, cursor=cursor, instance=dg.DagsterInstance.ephemeral()
    )


def test_sensor_refreshes_until_settled_then_syncs_settlements(resource, db_url, monkeypatch):
    # the fixtures' "now": PHI@LAR closed last night, KC@DAL still open
    monkeypatch.setattr(sensors, "utc_now", lambda: datetime(2026, 11, 23, 1, tzinfo=UTC))
    dg.materialize([assets.kalshi_markets], resources={"tradelake": resource})
    with sensor_context(resource) as ctx:
        first = sensors.kalshi_settlement_watch(ctx)
    # PHI@LAR is closed and awaiting determination: refresh markets; nothing newly settled yet
    assert [r.asset_selection for r in first.run_requests] == [[ledger_key(assets.MARKETS)]]
    # it closed 3 h 25 min ago (21:35): refreshed every 15 minutes, slot 01:00 // 900 s
    slot = int(datetime(2026, 11, 23, 1, tzinfo=UTC).timestamp()) // 900
    assert first.run_requests[0].run_key == f"kalshi-refresh-900s-{slot}"
    assert (
        "KXNFLGAME-26NOV22PHILAR-PHI" in first.run_requests[0].tags["tradelake/awaiting_settlement"]
    )
    # Kalshi finalizes PHI@LAR: the next observation says settled
    with psycopg.connect(db_url) as conn:
        for team, value in (("PHI", 1), ("LAR", 0)):
            conn.execute(
                "insert into ledger.kalshi_market_observations (ticker, event_ticker, status, "
                "status_raw, result, settlement_value, close_time, observed_at, record_hash) "
                "values (%s, 'KXNFLGAME-26NOV22PHILAR', 'settled', 'finalized', %s, %s, "
                "'2026-11-22T21:35:00Z', now(), 'x')",  # observed after the first sync
                (f"KXNFLGAME-26NOV22PHILAR-{team}", "yes" if value else "no", value),
            )
    with sensor_context(resource, first.cursor) as ctx:
        second = sensors.kalshi_settlement_watch(ctx)
    assert [r.asset_selection for r in second.run_requests] == [
        [ledger_key(assets.SETTLEMENTS), ledger_key(assets.POSITIONS)]
    ]
    assert set(second.run_requests[0].tags["tradelake/settled"].split(",")) == {
        "KXNFLGAME-26NOV22PHILAR-LAR",
        "KXNFLGAME-26NOV22PHILAR-PHI",
    }
    with sensor_context(resource, second.cursor) as ctx:
        third = sensors.kalshi_settlement_watch(ctx)
    assert third.skip_reason is not None and not third.run_requests


def test_sensor_waits_for_its_own_run_and_gives_up_on_a_market_after_a_week(resource, monkeypatch):
    from dagster._core.test_utils import create_run_for_test

    monkeypatch.setattr(sensors, "utc_now", lambda: datetime(2026, 11, 23, 1, tzinfo=UTC))
    dg.materialize([assets.kalshi_markets], resources={"tradelake": resource})
    with dg.DagsterInstance.ephemeral() as instance:
        queued = create_run_for_test(  # started by the daemon, still running
            instance,
            status=dg.DagsterRunStatus.STARTED,
            tags={"dagster/sensor_name": "kalshi_settlement_watch"},
        )
        with dg.build_sensor_context(resources={"tradelake": resource}, instance=instance) as ctx:
            waiting = sensors.kalshi_settlement_watch(ctx)
        assert not waiting.run_requests and queued.run_id in waiting.skip_reason.skip_message
        # another sensor's queued run does not hold it back; its own finished run neither
        create_run_for_test(
            instance,
            status=dg.DagsterRunStatus.STARTED,
            tags={"dagster/sensor_name": "hyperliquid_new_wallets"},
        )
        instance.report_run_failed(queued)
        with dg.build_sensor_context(resources={"tradelake": resource}, instance=instance) as ctx:
            again = sensors.kalshi_settlement_watch(ctx)
        assert [r.asset_selection for r in again.run_requests] == [[ledger_key(assets.MARKETS)]]

    # 40 minutes after PHI@LAR's close (21:35): every minute
    monkeypatch.setattr(sensors, "utc_now", lambda: datetime(2026, 11, 22, 22, 15, tzinfo=UTC))
    with sensor_context(resource) as ctx:
        soon = sensors.kalshi_settlement_watch(ctx)
    assert soon.run_requests[0].run_key.startswith("kalshi-refresh-60s-")
    # two days after: hourly
    monkeypatch.setattr(sensors, "utc_now", lambda: datetime(2026, 11, 24, 22, tzinfo=UTC))
    with sensor_context(resource) as ctx:
        later = sensors.kalshi_settlement_watch(ctx)
    assert later.run_requests[0].run_key.startswith("kalshi-refresh-3600s-")
    # eight days after every close in the recordings: no longer watched, no run requested
    monkeypatch.setattr(sensors, "utc_now", lambda: datetime(2026, 12, 4, tzinfo=UTC))
    with sensor_context(resource) as ctx:
        gone = sensors.kalshi_settlement_watch(ctx)
    assert not gone.run_requests
    assert "no Kalshi market awaits settlement" in gone.skip_reason.skip_message


def test_definitions_load_with_kalshi():
    from orchestration.definitions import defs

    loaded = defs()
    keys = {k.path[-1] for k in loaded.resolve_all_asset_keys()}
    assert {
        "kalshi_fills",
        "kalshi_order_observations",
        "kalshi_market_observations",
        "kalshi_balance_observations",
    } <= keys
    assert loaded.resolve_sensor_def("kalshi_settlement_watch")
