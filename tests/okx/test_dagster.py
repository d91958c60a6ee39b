"""Real Dagster materializations of the OKX assets and their checks; the schedule."""

from __future__ import annotations

import dagster as dg
import psycopg
import pytest

from orchestration.defs.okx import assets, checks, schedules
from orchestration.lib.ingest import ledger_checks
from orchestration.lib.resources import TradelakeResource
from tests.conftest import dagster_resource
from tests.okx.conftest import CONFIG, ENV, FIXTURES
from tests.outage import venue_down

FILLS_ASSETS = [assets.okx_fills, assets.okx_instruments]
ASSETS = [
    *FILLS_ASSETS,
    assets.okx_candles,
    assets.okx_tickers,
    assets.okx_positions,
    assets.okx_balances,
    assets.okx_funding,
    assets.okx_orders,
]
DEMO = {**CONFIG, "markets": {"okx": {"instruments": ["BTC-USDT", "ETH-USDT-SWAP"]}}}
INSERTED = {
    "okx_fills": 109,
    "okx_instrument_observations": 5,
    "okx_candles": 2 * 1285,
    "okx_ticker_observations": 2,
    "okx_position_observations": 1,
    "okx_balance_observations": 2,
    "okx_funding_bills": 6,
    "okx_order_observations": 109,
}


@pytest.fixture
def resource(db_url, tmp_path, monkeypatch) -> TradelakeResource:
    return dagster_resource(monkeypatch, tmp_path, db_url, DEMO, FIXTURES, ENV)


def inserted(result) -> dict[str, object]:
    return {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["rows_inserted"].value
        for e in result.get_asset_materialization_events()
    }


def test_assets_and_checks_materialize(resource, db_url):
    result = dg.materialize([*ASSETS, *checks.standard_checks], resources={"tradelake": resource})
    assert result.success
    assert inserted(result) == INSERTED
    evaluations = result.get_asset_check_evaluations()
    # per ledger: source_ok, no_conflicting_redelivery, quarantine_empty, chain_intact,
    # schema_drift, expectations
    assert len(evaluations) == 6 * 8 and all(e.passed for e in evaluations)
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'okx' order by stream"
        ).fetchall()
    streams = [
        "balances", "candles", "fills", "funding", "instruments", "orders", "positions", "tickers",
    ]  # fmt: skip
    assert runs == [(s, "succeeded") for s in streams]
    again = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert inserted(again) == dict.fromkeys(INSERTED, 0)


def test_missing_credentials_skip_fills_only(resource, monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name)
    result = dg.materialize(ASSETS, resources={"tradelake": resource})
    assert result.success
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    signed = ["okx_fills", "okx_position_observations", "okx_balance_observations"]
    for key in [*signed, "okx_funding_bills", "okx_order_observations"]:
        assert "OKX_API_KEY" in meta[key]["skipped"].value
    for key in ["okx_instrument_observations", "okx_candles", "okx_ticker_observations"]:
        assert "skipped" not in meta[key]


def test_assets_are_grouped_and_scheduled_every_5_minutes():
    assert {a.group_names_by_key[a.key] for a in ASSETS} == {"okx"}
    schedule = schedules.okx_every_5_minutes
    assert schedule.cron_schedule == "1-59/5 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    defs = dg.Definitions(
        assets=ASSETS,
        asset_checks=checks.standard_checks,
        schedules=[schedule, schedules.okx_candles_hourly],
        resources={"tradelake": TradelakeResource()},
    )
    job = defs.resolve_job_def(schedule.job_name)
    assert {k.path[-1] for k in job.asset_layer.executable_asset_keys} == {
        "okx_fills",
        "okx_instrument_observations",
        "okx_ticker_observations",
        "okx_position_observations",
        "okx_balance_observations",
        "okx_order_observations",
    }
    hourly = schedules.okx_candles_hourly
    assert (hourly.cron_schedule, hourly.default_status) == (
        "3 * * * *",
        dg.DefaultScheduleStatus.RUNNING,
    )
    # scheduled runs carry the same checks: a venue outage is stale (and the run red) there too
    assert "okx_source_ok" in {n.name for n in job.graph.nodes}
    assert {
        k.asset_key.path[-1]
        for k in job.asset_layer.asset_graph.asset_check_keys
        if k.name == "source_ok"
    } >= {"okx_fills", "okx_instrument_observations"}


def test_okx_down_is_recorded_stale_and_the_next_good_run_clears_it(resource, db_url, monkeypatch):
    """503 for every request: the asset steps succeed (so downstream dbt would run), each
    materialization says `failed`, and `source_ok` fails with ERROR severity, failing its own
    step (the run is red). The next run that reaches OKX clears it."""
    fills_checks = ledger_checks("okx", (assets.FILLS, assets.INSTRUMENTS))
    everything = [*FILLS_ASSETS, *fills_checks]
    with venue_down(monkeypatch, "okx", attempts=2) as outage:
        down = dg.materialize(everything, resources={"tradelake": resource}, raise_on_error=False)
    # account/config (fills) and public/instruments (SPOT first), each tried twice
    assert (
        sorted(outage.requests)
        == ["/api/v5/account/config"] * 2 + ["/api/v5/public/instruments"] * 2
    )
    assert not down.success
    failed_steps = {e.step_key for e in down.get_step_failure_events()}
    assert failed_steps == {"okx_source_ok"}  # both ledgers' source_ok, in one step
    meta = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata
        for e in down.get_asset_materialization_events()
    }
    assert meta["okx_fills"]["sync_status"].value == "failed"
    assert meta["okx_fills"]["error"].value == ("RetryableVenueError: okx account/config: HTTP 503")
    assert "rows_inserted" not in meta["okx_fills"]  # nothing claimed about rows
    stale = {
        e.asset_key.path[-1]: e
        for e in down.get_asset_check_evaluations()
        if e.check_name == "source_ok"
    }
    assert {k: (e.passed, e.severity) for k, e in stale.items()} == {
        "okx_fills": (False, dg.AssetCheckSeverity.ERROR),
        "okx_instrument_observations": (False, dg.AssetCheckSeverity.ERROR),
    }
    assert stale["okx_fills"].description.startswith(
        "stale: okx/fills: no successful sync yet; failing since "
    )
    assert stale["okx_fills"].description.endswith(
        "(1 failed run): RetryableVenueError: okx account/config: HTTP 503"
    )
    # the blocking conflict checks still ran and passed: nothing conflicting was delivered
    assert all(e.passed for e in down.get_asset_check_evaluations() if e.check_name != "source_ok")

    back = dg.materialize(everything, resources={"tradelake": resource})
    assert back.success
    assert inserted(back) == {"okx_fills": 109, "okx_instrument_observations": 5}  # fmt: skip
    with psycopg.connect(db_url) as conn:
        runs = conn.execute(
            "select stream, status from ops.sync_runs where source = 'okx' order by sync_run_id"
        ).fetchall()
    assert sorted(runs[:2]) == [("fills", "failed"), ("instruments", "failed")]
    assert sorted(runs[2:]) == [("fills", "succeeded"), ("instruments", "succeeded")]


def test_a_bug_of_ours_still_fails_the_asset(resource, monkeypatch):
    """Only venue failures are carried on from: an error in our own code fails the step."""

    def broken(self, inst_type):
        raise KeyError("instType")  # e.g. a parser expecting a field that is not there

    monkeypatch.setattr("ingestion.okx.client.OkxClient.instruments", broken)
    result = dg.materialize(
        [assets.okx_instruments], resources={"tradelake": resource}, raise_on_error=False
    )
    assert not result.success
    assert [e.step_key for e in result.get_step_failure_events()] == [
        "ledger__okx_instrument_observations"
    ]
    assert result.get_asset_materialization_events() == []
