"""Tier 1: the Dagster definitions load, are documented, run by default, and layers stay honest."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import dagster as dg
import pytest

import ingestion
from tests.probes import run_python
from tradelake_cli.run import load_definitions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_definitions()


def test_definitions_load_with_dbt_and_the_job(defs: dg.Definitions) -> None:
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert {"core/fills", "core/markets", "core/game_states", "core/wallet_events"} <= keys
    assert defs.resolve_job_def("tradelake_all") is not None


def test_every_asset_has_a_group_a_description_and_an_owner(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        # ops.* and ref.* included: observed, not never-materialized stubs
        assert node.is_materializable or node.is_observable, key
        assert node.group_name not in (None, "default"), key
        assert node.description, f"{key.to_user_string()} has no description"
        assert "#### Raw SQL" not in node.description, key  # markdown, not dbt's raw SQL dump
        assert node.owners and node.owners[0].startswith("team:"), key
    assert graph.get(dg.AssetKey(["core", "fills"])).owners == ["team:data-platform"]
    assert graph.get(dg.AssetKey(["ledger", "kalshi_fills"])).owners == ["team:ingestion"]
    assert graph.get(dg.AssetKey(["ops", "quarantine"])).is_observable


def test_every_check_says_what_it_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    checks = list(graph.asset_check_keys)
    assert len(checks) > 300
    for key in checks:
        assert graph.get_check_spec(key).description, key.to_user_string()
    dbt_not_null = dg.AssetCheckKey(dg.AssetKey(["core", "fills"]), "not_null_fills_fill_id")
    assert graph.get_check_spec(dbt_not_null).description == (
        "No row of core.fills has a NULL `fill_id`. Blocking: a failure stops the models built "
        "after it. (dbt test `not_null_fills_fill_id`)"
    )


def test_the_quarantine_is_observed_with_its_latest_reasons(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from orchestration.defs.state.assets import state_assets
    from tests.conftest import dagster_resource

    resource = dagster_resource(monkeypatch, tmp_path, db_url, {}, ROOT / "tests" / "fixtures")
    with psycopg.connect(db_url) as conn:
        conn.execute("delete from ops.quarantine")
        conn.execute(
            "insert into ops.quarantine (source, stream, reason, payload, payload_sha256) "
            "values ('okx', 'fills', 'fillPx is not a number: \"abc\"', '{}', 'x')"
        )
    quarantine = next(a for a in state_assets if a.key == dg.AssetKey(["ops", "quarantine"]))
    # as the daemon runs it: a run of a job that selects the observable asset
    observed = dg.Definitions(
        assets=[quarantine],
        jobs=[dg.define_asset_job("observe_quarantine", selection=[quarantine.key])],
        resources={"tradelake": resource},
    )
    with dg.DagsterInstance.ephemeral() as instance:
        job = observed.resolve_job_def("observe_quarantine")
        assert job.execute_in_process(instance=instance).success
        event = instance.fetch_observations(quarantine.key, limit=1).records[0].event_log_entry
    metadata = event.asset_observation.metadata
    assert metadata["dagster/row_count"].value == 1
    assert 'fillPx is not a number: "abc"' in metadata["latest"].value


def test_schedules_and_sensors_run_by_default(defs: dg.Definitions) -> None:
    repo = defs.get_repository_def()
    for schedule in repo.schedule_defs:
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name
    for sensor in repo.sensor_defs:
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name


def test_ledger_assets_feed_the_dbt_sources(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    ledger = [k for k in graph.get_all_asset_keys() if k.path[0] == "ledger"]
    for key in ledger:
        node = graph.get(key)
        if node.is_materializable:  # an ingestion asset: something in dbt reads it
            assert graph.get(key).child_keys, f"{key.to_user_string()} feeds no dbt model"


def test_ingestion_never_imports_dagster() -> None:
    modules = [m.name for m in pkgutil.walk_packages(ingestion.__path__, "ingestion.")]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'dagster' or m.startswith('dagster.'))\n"
        "assert not bad, bad\n"
    )
    done = run_python(code, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_ddl_outside_migrations() -> None:
    offenders = []
    for folder in ("ingestion", "orchestration", "tradelake_cli"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text().lower()
            if "create table" in text or "alter table" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


VENUES = ("kalshi", "polymarket", "okx", "hyperliquid", "etherscan", "espn")


def imported_modules(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", ["ingestion", "orchestration/defs"])
def test_a_venue_package_imports_no_other_venue(layer: str) -> None:
    """A source's package (ingestion/<venue>/, orchestration/defs/<venue>/) uses only the shared
    layer beside it, never another venue's code: what several venues share lives in the shared
    layer (ingestion/wallets.py, orchestration/lib/)."""
    package = layer.replace("/", ".")
    crossings = []
    for venue in VENUES:
        for path in sorted((ROOT / layer / venue).rglob("*.py")):
            for module in imported_modules(path):
                parts = module.split(".")
                depth = len(package.split("."))
                if parts[:depth] == package.split(".") and len(parts) > depth:
                    other = parts[depth]
                    if other in VENUES and other != venue:
                        crossings.append(f"{path.relative_to(ROOT)} imports {module}")
    assert crossings == []


def test_no_client_owns_a_paging_loop() -> None:
    """Paging lives in ingestion/http/paginate.py (issue 18): a venue client says how to ask for
    one page and how to read it, never loops over pages itself."""
    loops = []
    for path in sorted((ROOT / "ingestion").glob("*/client.py")):
        tree = ast.parse(path.read_text())
        loops += [
            f"{path.relative_to(ROOT)}:{n.lineno}"
            for n in ast.walk(tree)
            if isinstance(n, ast.While)
        ]
    assert loops == []


def test_every_scheduled_ledger_is_late_after_three_missed_ticks(defs: dg.Definitions) -> None:
    from datetime import timedelta

    from orchestration.lib.freshness import cron_interval

    assert cron_interval("2-59/5 * * * *") == timedelta(minutes=5)
    assert cron_interval("13 * * * *") == timedelta(hours=1)
    assert cron_interval("30 3 * * *") == timedelta(days=1)
    graph = defs.resolve_asset_graph()
    kalshi = graph.get(dg.AssetKey(["ledger", "kalshi_market_observations"])).freshness_policy
    # a 5-minute stream: late after 15 minutes, failed after an hour
    windows = (kalshi.warn_window.to_timedelta(), kalshi.fail_window.to_timedelta())
    assert windows == (timedelta(minutes=15), timedelta(hours=1))
    hourly = graph.get(dg.AssetKey(["ledger", "hyperliquid_candles"])).freshness_policy
    windows = (hourly.warn_window.to_timedelta(), hourly.fail_window.to_timedelta())
    assert windows == (timedelta(hours=3), timedelta(hours=12))
    scheduled = {
        key
        for schedule in defs.schedules
        for key in schedule.target.resolvable_to_job.selection.resolve(graph)
        if key.path[0] == "ledger"
    }
    assert len(scheduled) > 15
    assert all(graph.get(key).freshness_policy is not None for key in scheduled)


def test_the_report_calls_a_stream_late_when_the_ui_does(defs: dg.Definitions) -> None:
    """dbt's var stream_late_after_minutes (int_late_streams, the 4h report) holds, per stream,
    the warn window of its ledger's freshness policy: the report and the catalog agree."""
    import yaml

    from orchestration.lib.ingest import _STREAMS

    graph = defs.resolve_asset_graph()
    from_policies: dict[str, int] = {}
    for key in graph.get_all_asset_keys():
        policy = graph.get(key).freshness_policy if key.path[0] == "ledger" else None
        if policy is not None:
            source, stream = _STREAMS[key.path[1]]
            minutes = int(policy.warn_window.to_timedelta().total_seconds() // 60)
            assert from_policies.setdefault(f"{source}/{stream}", minutes) == minutes
    project = yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text())
    assert project["vars"]["stream_late_after_minutes"] == from_policies
    assert from_policies["kalshi/markets"] == 15 and from_policies["okx/candles"] == 180


def test_the_dbt_docs_site_opens_on_the_project_overview() -> None:
    import json

    from orchestration.lib.dbt import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text())
    overview = manifest["docs"]["doc.tradelake.__overview__"]["block_contents"]
    assert "## Where to start" in overview and "## Units" in overview
    # it names only relations that exist
    import re

    models = {f"{n['schema']}.{n['name']}" for n in manifest["nodes"].values()}
    named = set(re.findall(r"`((?:core|marts)\.[a-z_]+)`", overview))
    assert named and named <= models, named - models
