"""The Dagster instance tradelake writes for itself (tradelake_cli/runtime.py): run, event and
schedule storage on PostgreSQL, the event log remembering the tables and columns it has found
(orchestration/lib/dagster_storage.py) — also in the instance a run worker rebuilds from it."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import psycopg
from dagster_postgres import PostgresRunStorage, PostgresScheduleStorage

from ingestion.db import sqlalchemy_url
from orchestration.lib.dagster_storage import EventLogStorage
from tradelake_cli import runtime
from tradelake_cli.runtime import dagster_home


def test_the_instance_remembers_the_event_log_tables_it_found(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home(tmp_path)))
    monkeypatch.setenv("TRADELAKE_DAGSTER_PG_URL", sqlalchemy_url(db_url, "psycopg2"))
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        events = instance.event_log_storage
        assert isinstance(events, EventLogStorage)
        # a run worker's instance, rebuilt from this one's reference, has the same event log
        rebuilt = instance.get_ref().event_storage_data.rehydrate(as_type=EventLogStorage)
        assert isinstance(rebuilt, EventLogStorage)
        assert events.supports_asset_checks  # found once...
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("alter table asset_check_executions rename to moved_away")
            assert events.supports_asset_checks  # ...then not asked about again
            assert not rebuilt.supports_asset_checks  # (a fresh one asks, and it is gone)
            # a table not found is asked about again, and found once it exists
            assert not events.has_table("tradelake_later")
            conn.execute("create table tradelake_later (id int)")
            assert events.has_table("tradelake_later")
            # the columns of asset_keys likewise (reflected for every asset event and record)
            assert events.can_read_asset_status_cache()  # cached_status_data found once...
            assert events.has_asset_key_index_cols()
            conn.execute("alter table asset_keys rename column cached_status_data to moved_away")
            assert events.can_read_asset_status_cache()  # ...then not asked about again
            assert not rebuilt.can_read_asset_status_cache()
            assert not events.has_asset_key_col("tradelake_later")
            conn.execute("alter table asset_keys add column tradelake_later int")
            assert events.has_asset_key_col("tradelake_later")


def test_a_runs_planned_events_are_written_as_one_batch(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    """With DAGSTER_EVENT_BATCH_SIZE (as `tradelake` sets it) a run's planned events reach
    `store_event_batch`, which writes them all without `store_event`; the UI's records are those
    dagster writes one by one: the asset's last run, each check's planned execution (left
    planned when its step does not run)."""
    # as `tradelake` prepares its commands' environment (its changes undone after the test)
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TRADELAKE_HOME", str(tmp_path))
    runtime.prepare(run_migrations=False)
    assert os.environ["DAGSTER_EVENT_BATCH_SIZE"] == "1000"

    @dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="prices")])
    def prices():
        yield dg.Output(1)
        yield dg.AssetCheckResult(passed=True)

    @dg.asset(deps=[prices], check_specs=[dg.AssetCheckSpec("fresh", asset="report")])
    def report():
        raise RuntimeError("the report's venue is down")

    job = dg.define_asset_job("both", selection=[prices, report])
    defs = dg.Definitions(assets=[prices, report], jobs=[job])
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        one_by_one: list[str] = []
        store_event = storage.store_event
        monkeypatch.setattr(
            storage,
            "store_event",
            lambda event: one_by_one.append(event.dagster_event_type) or store_event(event),
        )
        result = defs.resolve_job_def("both").execute_in_process(
            instance=instance, raise_on_error=False
        )
        planned = {
            dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
            dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
        }
        assert [t for t in one_by_one if t in planned] == []
        stored = [
            r.event_log_entry.dagster_event_type
            for r in instance.get_records_for_run(result.run_id).records
        ]
        assert sum(t in planned for t in stored) == 4  # 2 assets, 2 checks
        for key in (dg.AssetKey("prices"), dg.AssetKey("report")):
            info = storage.get_latest_planned_materialization_info(key)
            assert info is not None and info.run_id == result.run_id
        # the assets' entries: the report's last run is known only from its planned event
        (report_record,) = storage.get_asset_records([dg.AssetKey("report")])
        assert report_record.asset_entry.last_run_id == result.run_id
        (passed,) = storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("prices"), "positive"), limit=5
        )
        assert passed.status.value == "SUCCEEDED" and passed.run_id == result.run_id
        (waiting,) = storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("report"), "fresh"), limit=5
        )
        assert waiting.status.value == "PLANNED" and waiting.run_id == result.run_id
        assert (
            waiting.event.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
        )
    # each check's execution points at its own event (the batch's ids kept in the rows' order)
    with psycopg.connect(db_url) as conn:
        linked = conn.execute(
            "select x.asset_key, x.check_name, x.execution_status, e.dagster_event_type, e.event "
            "from asset_check_executions x "
            "join event_logs e on e.id = x.evaluation_event_storage_id "
            "where x.run_id = %s order by x.check_name",
            (result.run_id,),
        ).fetchall()
    assert [row[:4] for row in linked] == [
        ('["report"]', "fresh", "PLANNED", "ASSET_CHECK_EVALUATION_PLANNED"),
        ('["prices"]', "positive", "SUCCEEDED", "ASSET_CHECK_EVALUATION"),
    ]
    for asset, check_name, _, _, event in linked:
        assert f'"check_name": "{check_name}"' in event
        assert f'"path": {asset}' in event
