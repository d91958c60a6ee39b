"""Real Dagster materializations of the OKX assets and their checks; the schedule."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest

from orchestration.defs.okx import assets, checks, schedules
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.okx.conftest import CONFIG, ENV, FIXTURES

ASSETS = [assets.okx_fills, assets.okx_instruments]


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES, ENV)


def inserted(result) -> dict[str, object]:
    return {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["rows_inserted"].value
        for e in result.get_asset_materialization_events()
    }


def test_assets_and_checks_materialize(resource, db_url):
    result = dg.materialize([*ASSETS, *checks.standard_checks], resources={"tradelake": resource})
    assert result.success
    assert inserted(result) == {"okx_fills": 109, "okx_instrument_observations": 5}
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 4 and all(e.passed for e in evaluations)
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'okx' order by stream"
        ).fetchall()
    assert runs == [("fills", "succeeded"), ("instruments", "succeeded")]
    again = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert inserted(again) == {"okx_fills": 0, "okx_instrument_observations": 0}


def test_missing_credentials_skip_fills_only(resource, monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name)
    result = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert result.success
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert "OKX_API_KEY" in meta["okx_fills"]["skipped"].value
    assert "skipped" not in meta["okx_instrument_observations"]


def test_assets_are_grouped_and_scheduled_every_5_minutes():
    assert {a.group_names_by_key[a.key] for a in ASSETS} == {"okx"}
    schedule = schedules.okx_every_5_minutes
    assert schedule.cron_schedule == "1-59/5 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    defs = dg.Definitions(
        assets=ASSETS, schedules=[schedule], resources={"tradelake": TradelakeResource()}
    )
    job = defs.resolve_job_def(schedule.job_name)
    assert {k.path[-1] for k in job.asset_layer.executable_asset_keys} == {
        "okx_fills",
        "okx_instrument_observations",
    }
