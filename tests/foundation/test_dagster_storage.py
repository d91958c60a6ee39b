"""The Dagster instance tradelake writes for itself (tradelake_cli/runtime.py): run, event and
schedule storage on PostgreSQL, the event log remembering the tables it has found
(orchestration/lib/dagster_storage.py) — also in the instance a run worker rebuilds from it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg
from dagster_postgres import PostgresRunStorage, PostgresScheduleStorage

from ingestion.db import sqlalchemy_url
from orchestration.lib.dagster_storage import EventLogStorage
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
