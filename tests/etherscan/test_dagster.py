"""Real Dagster materializations of the Etherscan assets and checks, and the new-wallet sensors."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest

from orchestration.defs.etherscan import assets, checks, schedules, sensors
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.etherscan.conftest import CONFIG, ENV, FIXTURES, WHALE

ASSETS = [assets.etherscan_transactions, assets.etherscan_token_transfers]


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES, ENV)


def test_assets_and_checks_materialize(resource, db_url):
    result = dg.materialize(
        [*ASSETS, *checks.standard_checks],
        resources={"tradelake": resource},
    )
    assert result.success
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["rows_inserted"].value
        for e in result.get_asset_materialization_events()
    }
    assert meta == {"etherscan_transactions": 3, "etherscan_token_transfers": 4}
    evaluations = result.get_asset_check_evaluations()
    # per ledger: source_ok, no_conflicting_redelivery, quarantine_empty, chain_intact,
    # schema_drift, expectations, wallet_history_complete
    assert len(evaluations) == 2 * 7 and all(e.passed for e in evaluations)
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'etherscan' order by stream"
        ).fetchall()
    assert runs == [("token_transfers", "succeeded"), ("transactions", "succeeded")]


def test_missing_key_is_a_skip_not_a_failure(resource, monkeypatch):
    monkeypatch.delenv("ETHERSCAN_API_KEY")
    result = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert result.success
    skipped = [
        e.event_specific_data.materialization.metadata["skipped"].value
        for e in result.get_asset_materialization_events()
    ]
    assert len(skipped) == 2 and all("ETHERSCAN_API_KEY" in s for s in skipped)


def test_sensor_requests_a_backfill_for_new_wallet_chains_only(resource):
    sensor = sensors.etherscan_new_wallet_transactions
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        request = sensor(ctx)
    assert isinstance(request, dg.RunRequest)
    assert f"{WHALE}:1" in request.run_key and f"{WHALE}:137" in request.run_key
    dg.materialize([assets.etherscan_transactions], resources={"tradelake": resource})
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        again = sensor(ctx)
    assert isinstance(again, dg.SkipReason)


def test_schedule_and_sensors_run_by_default():
    schedule = schedules.etherscan_wallets_every_15_minutes
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    for sensor in (
        sensors.etherscan_new_wallet_transactions,
        sensors.etherscan_new_wallet_token_transfers,
    ):
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
