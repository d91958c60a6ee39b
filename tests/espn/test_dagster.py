"""Real Dagster materialization of the ESPN asset and checks, the schedule and the live sensor."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.defs.espn import assets, schedules, sensors
from orchestration.defs.espn import checks as espn_checks
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.espn.conftest import CONFIG, FIXTURES, NOW


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES)


def test_asset_and_checks_materialize(resource):
    result = dg.materialize(
        [assets.espn_games, *espn_checks.standard_checks], resources={"tradelake": resource}
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.asset_key.path == ["ledger", "espn_game_observations"]
    assert event.event_specific_data.materialization.metadata["rows_inserted"].value == 12
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        "no_conflicting_redelivery": True,
        "source_ok": True,
        "quarantine_empty": False,
        "chain_intact": True,
        "schema_drift": True,
    }


def test_group_schedule_and_sensor_defaults():
    assert assets.espn_games.group_names_by_key[assets.espn_games.key] == "espn"
    assert schedules.espn_games_frequent.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedules.espn_games_frequent.cron_schedule == "*/5 * * * *"
    assert sensors.espn_live_games.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensors.espn_live_games.minimum_interval_seconds == 30


def test_live_sensor_polls_only_while_games_are_live(resource, monkeypatch):
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        nothing_yet = sensors.espn_live_games(ctx)
    assert isinstance(nothing_yet, dg.SkipReason)

    dg.materialize([assets.espn_games], resources={"tradelake": resource})
    monkeypatch.setattr(sensors, "utc_now", lambda: NOW)
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        request = sensors.espn_live_games(ctx)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["tradelake/live_games"].split(",") == [
        "nfl:401773060", "nfl:401773061", "nfl:401773062", "nfl:401773065",
    ]  # fmt: skip
    assert request.run_key == f"espn-live-{int(NOW.timestamp()) // 30}"

    monkeypatch.setattr(sensors, "utc_now", lambda: NOW.replace(month=12))
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        assert isinstance(sensors.espn_live_games(ctx), dg.SkipReason)
