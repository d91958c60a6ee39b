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
        "expectations": True,
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


def test_dbt_is_scheduled_only_for_a_ledger_that_loaded_rows(resource, db_url):
    """Declarative automation (issue 19): a ledger's data version is its hash chain's head, and
    the dbt models read from it are requested when that version changed, not on every sync.
    Evaluated by Dagster on the ESPN ledger and a model downstream of it with the condition every
    dbt model has (checked on the real definitions first)."""
    import psycopg

    from orchestration.definitions import defs
    from orchestration.lib.dbt import on_changed_inputs

    ledger = dg.AssetKey(["ledger", "espn_game_observations"])
    staging = dg.AssetKey(["staging", "stg_espn__game_observations"])
    node = defs().resolve_asset_graph().get(staging)
    assert ledger in node.parent_keys
    assert node.automation_condition.get_label() == on_changed_inputs().get_label()

    @dg.asset(key=staging, deps=[ledger], automation_condition=on_changed_inputs())
    def model() -> None: ...

    definitions = dg.Definitions(
        assets=[assets.espn_games, model], resources={"tradelake": resource}
    )

    def tick(instance, cursor):
        # evaluate_automation_conditions runs asyncio.run(): in a thread of its own, so that an
        # event loop an earlier test left running in this thread (Playwright's) does not matter
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(
                dg.evaluate_automation_conditions,
                defs=definitions,
                instance=instance,
                cursor=cursor,
            ).result()
        return result.get_num_requested(staging), result.cursor

    def sync(instance):
        done = dg.materialize([assets.espn_games], resources={"tradelake": resource},
                              instance=instance)  # fmt: skip
        (event,) = done.get_asset_materialization_events()
        materialization = event.event_specific_data.materialization
        return materialization.metadata["rows_inserted"].value, materialization.tags[
            "dagster/data_version"
        ]

    with dg.DagsterInstance.ephemeral() as instance:
        _, cursor = tick(instance, None)  # the first tick: whatever is missing
        loaded, first = sync(instance)
        requested, cursor = tick(instance, cursor)
        assert (loaded, requested) == (12, 1)
        # the next tick (here the daemon would run what it requested): nothing new to request
        assert tick(instance, cursor)[0] == 0
        cursor = tick(instance, cursor)[1]
        with psycopg.connect(db_url) as conn:
            seq, head = conn.execute(
                "select chain_seq, chain_hash from ops.ledger_chain_heads "
                "where table_name = 'ledger.espn_game_observations'"
            ).fetchone()
        assert first == f"{seq}:{head[:16]}" and seq == 12

        # the next tick's sync finds nothing new: same version, no dbt work
        loaded, again = sync(instance)
        requested, cursor = tick(instance, cursor)
        assert (loaded, again, requested) == (0, first, 0)
        cursor = tick(instance, cursor)[1]

        # a row appended (here by hand, as a later observation of a game would be) moves the
        # head: the next sync's version differs and the staging model is requested again
        with psycopg.connect(db_url) as conn:
            conn.execute(
                "insert into ledger.espn_game_observations (league, game_id, start_time, "
                "home_team, away_team, status, status_raw, completed, observed_at, record_hash) "
                "select league, game_id, start_time, home_team, away_team, status, status_raw, "
                "completed, observed_at + interval '1 minute', record_hash "
                "from ledger.espn_game_observations order by chain_seq limit 1"
            )
        loaded, moved = sync(instance)
        requested, cursor = tick(instance, cursor)
        assert (loaded, requested) == (0, 1)
        assert moved.startswith("13:") and moved != first
