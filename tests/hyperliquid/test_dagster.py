"""Real Dagster materializations of the Hyperliquid assets and checks, schedule and sensors."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest

from orchestration.defs.hyperliquid import assets, checks, schedules, sensors
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.hyperliquid.conftest import CONFIG, FIXTURES, OWN, WHALE

ASSETS = [assets.hyperliquid_fills, assets.hyperliquid_wallet_fills, assets.hyperliquid_orders]


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES)


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
    assert meta == {
        "hyperliquid_fills": 12,
        "hyperliquid_wallet_fills": 2005,
        "hyperliquid_order_observations": 11,
    }
    evaluations = result.get_asset_check_evaluations()
    # per ledger: source_ok, no_conflicting_redelivery, quarantine_empty, chain_intact,
    # schema_drift, expectations; + wallet_history_complete of fills and wallet_fills
    assert len(evaluations) == 3 * 6 + 2 and all(e.passed for e in evaluations)
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'hyperliquid' order by stream"
        ).fetchall()
    assert runs == [
        ("fills", "succeeded"),
        ("orders", "succeeded"),
        ("wallet_fills", "succeeded"),
    ]


def test_assets_are_grouped_and_scheduled_every_5_minutes():
    assert {a.group_names_by_key[a.key] for a in ASSETS} == {"hyperliquid"}
    schedule = schedules.hyperliquid_fills_every_5_minutes
    assert schedule.cron_schedule == "*/5 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_missing_config_is_a_skip_not_a_failure(resource, tmp_path, monkeypatch):
    empty = tmp_path / "empty.yaml"
    empty.write_text("sync_start: '2025-11-01T00:00:00Z'\n")
    monkeypatch.setenv("TRADELAKE_CONFIG", str(empty))
    result = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert result.success
    skipped = [
        e.event_specific_data.materialization.metadata.get("skipped")
        for e in result.get_asset_materialization_events()
    ]
    assert len(skipped) == 3 and all(s is not None for s in skipped)


@pytest.mark.parametrize(
    ("sensor", "asset", "address"),
    [
        (sensors.hyperliquid_new_wallets, assets.hyperliquid_wallet_fills, WHALE),
        (sensors.hyperliquid_new_accounts, assets.hyperliquid_fills, OWN),
    ],
)
def test_sensor_requests_a_backfill_for_new_addresses_only(resource, sensor, asset, address):
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        request = sensor(ctx)
    assert isinstance(request, dg.RunRequest) and address in request.run_key
    dg.materialize([asset], resources={"tradelake": resource})
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        again = sensor(ctx)
    assert isinstance(again, dg.SkipReason)


def test_the_candles_asset_and_its_checks_materialize_hourly(db_url, tmp_path, monkeypatch):
    config = {**CONFIG, "markets": {"hyperliquid": {"coins": ["BTC", "ETH"]}}}
    resource = dagster_resource(monkeypatch, tmp_path, db_url, config, FIXTURES)
    candle_checks = [
        c for c in checks.standard_checks if "hyperliquid_candles" in str(c.check_specs)
    ]
    result = dg.materialize(
        [assets.hyperliquid_candles, *candle_checks], resources={"tradelake": resource}
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    # every recorded candle of both coins; the demo clock is real time, so all are closed
    assert event.event_specific_data.materialization.metadata["rows_inserted"].value == 2 * 1285
    evaluations = result.get_asset_check_evaluations()
    # source_ok, no_conflicting_redelivery, quarantine_empty, chain_intact, schema_drift,
    # expectations
    assert len(evaluations) == 6 and all(e.passed for e in evaluations)
    schedule = schedules.hyperliquid_candles_hourly
    assert schedule.cron_schedule == "2 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_position_account_and_funding_assets_and_checks_materialize(resource):
    tables = (
        "hyperliquid_position_observations",
        "hyperliquid_account_observations",
        "hyperliquid_funding",
    )
    own_checks = [c for c in checks.standard_checks if any(t in str(c.check_specs) for t in tables)]
    result = dg.materialize(
        [
            assets.hyperliquid_position_observations,
            assets.hyperliquid_account_observations,
            assets.hyperliquid_funding,
            *own_checks,
        ],
        resources={"tradelake": resource},
    )
    assert result.success
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["rows_inserted"].value
        for e in result.get_asset_materialization_events()
    }
    assert meta == dict(zip(tables, (2, 1, 6), strict=True))
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 3 * 6 and all(e.passed for e in evaluations)
    assert schedules.hyperliquid_positions_every_15_minutes.cron_schedule == "*/15 * * * *"
    assert schedules.hyperliquid_funding_hourly.cron_schedule == "7 * * * *"


def test_a_truncated_wallet_history_warns_on_its_own_ledger_only(resource, db_url):
    """wallet_history_complete runs in each ledger's combined check step and reads the ledger's
    own stream: a wallet truncated on `wallet_fills` warns there, not on `fills`."""
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into ops.wallet_history_truncations (source, stream, wallet, reason) "
            "values ('hyperliquid', 'wallet_fills', %s, 'only the 10000 most recent fills')",
            (WHALE,),
        )
    result = dg.materialize([*ASSETS, *checks.standard_checks], resources={"tradelake": resource})
    history = {
        e.asset_key.path[-1]: e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "wallet_history_complete"
    }
    assert {table: e.passed for table, e in history.items()} == {
        "hyperliquid_fills": True,
        "hyperliquid_wallet_fills": False,
    }
    warned = history["hyperliquid_wallet_fills"]
    assert warned.severity == dg.AssetCheckSeverity.WARN
    assert warned.metadata["truncated_wallets"].value == 1
    assert warned.metadata["first"].value == (
        f"{WHALE} (wallet_fills): only the 10000 most recent fills"
    )
