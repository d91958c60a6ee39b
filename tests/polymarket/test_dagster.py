"""Real Dagster materializations of the Polymarket assets and checks, and the new-wallet sensor."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest

from orchestration.defs.polymarket import assets, checks, sensors
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.polymarket.conftest import CONFIG, FIXTURES, WHALE

ASSETS = [
    assets.polymarket_markets,
    assets.polymarket_prices,
    assets.polymarket_fills,
    assets.polymarket_wallet_activity,
]


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
    assert meta["polymarket_market_observations"] == 4
    assert meta["polymarket_fills"] == 4
    assert meta["polymarket_wallet_activity"] == 9
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations)
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'polymarket' order by stream"
        ).fetchall()
    assert runs == [
        ("fills", "succeeded"),
        ("markets", "succeeded"),
        ("prices", "succeeded"),
        ("wallet_activity", "succeeded"),
    ]


def test_missing_config_is_a_skip_not_a_failure(resource, tmp_path, monkeypatch):
    empty = tmp_path / "empty.yaml"
    empty.write_text("sync_start: '2025-11-01T00:00:00Z'\n")
    monkeypatch.setenv("TRADELAKE_CONFIG", str(empty))
    result = dg.materialize(
        [assets.polymarket_wallet_activity, assets.polymarket_fills],
        resources={"tradelake": resource},
    )
    assert result.success
    skipped = [
        e.event_specific_data.materialization.metadata.get("skipped")
        for e in result.get_asset_materialization_events()
    ]
    assert all(s is not None for s in skipped)


def test_sensor_requests_a_backfill_for_new_wallets_only(resource):
    sensor = sensors.polymarket_new_wallets
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        request = sensor(ctx)
    assert isinstance(request, dg.RunRequest)
    assert WHALE in request.run_key
    dg.materialize([assets.polymarket_wallet_activity], resources={"tradelake": resource})
    with dg.build_sensor_context(resources={"tradelake": resource}) as ctx:
        again = sensor(ctx)
    assert isinstance(again, dg.SkipReason)
