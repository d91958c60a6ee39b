"""The production path (deploy/): its Dagster instance config loads on PostgreSQL, queues runs
with one run per venue, and lists the `tradelake` repository; compose and Helm agree with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from ingestion.db import sqlalchemy_url

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENUE_LIMIT = {"key": "tradelake/venue", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}


def test_the_instance_config_queues_runs_one_per_venue_on_postgres(db_url, tmp_path) -> None:
    import dagster as dg
    from dagster._core.run_coordinator import QueuedRunCoordinator
    from dagster_postgres import PostgresRunStorage

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    env = {
        "DAGSTER_HOME": str(home),
        "TRADELAKE_DAGSTER_PG_URL": sqlalchemy_url(db_url, "psycopg2"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with dg.DagsterInstance.get() as instance:
            assert isinstance(instance.run_storage, PostgresRunStorage)
            coordinator = instance.run_coordinator
            assert isinstance(coordinator, QueuedRunCoordinator)
            limits = coordinator.get_run_queue_config().tag_concurrency_limits
            assert VENUE_LIMIT in limits
            # the run history it writes is readable back
            assert instance.get_runs_count() >= 0
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)

    # the code location loads with that instance and lists the repository's jobs
    listed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "job",
            "list",
            "-m",
            "orchestration.definitions",
            "-a",
            "defs",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "tradelake_all" in listed.stdout


def test_compose_and_helm_run_the_same_location_with_the_same_queue() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "migrate", "code", "webserver", "daemon"} <= set(services)
    code = services["code"]["command"]
    assert code[code.index("-m") + 1] == "orchestration.definitions"
    assert code[code.index("--location-name") + 1] == "tradelake"
    assert services["daemon"]["command"][:2] == ["dagster-daemon", "run"]
    assert services["webserver"]["command"][0] == "dagster-webserver"
    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    server = workspace["load_from"][0]["grpc_server"]
    assert (server["host"], server["port"], server["location_name"]) == ("code", 4000, "tradelake")
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert VENUE_LIMIT in queued["tagConcurrencyLimits"]
    assert values["dagster-user-deployments"]["deployments"][0]["dagsterApiGrpcArgs"] == [
        "-m",
        "orchestration.definitions",
        "-a",
        "defs",
    ]


def test_every_venue_run_is_tagged_with_its_venue() -> None:
    from orchestration.definitions import defs
    from orchestration.lib.ingest import VENUE_TAG

    loaded = defs()
    graph = loaded.resolve_asset_graph()
    for schedule in loaded.schedules:
        keys = schedule.target.resolvable_to_job.selection.resolve(graph)
        sources = {graph.get(k).tags.get("tradelake/source") for k in keys} - {None}
        if sources:
            assert schedule.tags.get(VENUE_TAG) == sources.pop(), schedule.name
