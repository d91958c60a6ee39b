"""Dagster's event log storage as the CLI configures it (orchestration/lib/event_storage.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg
import pytest
import sqlalchemy

from orchestration.lib.event_storage import TradelakeEventLogStorage
from tradelake_cli.runtime import dagster_home, dagster_storage_url


@pytest.fixture
def storage(empty_db_url: str):
    storage = TradelakeEventLogStorage(postgres_url=dagster_storage_url(empty_db_url))
    yield storage
    storage.dispose()


def counting(storage: TradelakeEventLogStorage) -> list[str]:
    statements: list[str] = []
    sqlalchemy.event.listen(
        storage._engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_rest: statements.append(statement),
    )
    return statements


def test_what_exists_is_asked_once_and_what_is_missing_is_asked_again(
    storage: TradelakeEventLogStorage, empty_db_url: str
) -> None:
    statements = counting(storage)
    assert storage.supports_asset_checks  # has_table("asset_check_executions")
    assert storage.has_asset_key_col("cached_status_data")
    asked = len(statements)
    assert asked >= 2
    for _ in range(3):
        assert storage.supports_asset_checks
        assert storage.can_read_asset_status_cache()
    assert len(statements) == asked  # remembered: no query

    for _ in range(2):
        assert not storage.has_table("added_later")
        assert not storage.has_asset_key_col("added_later")
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("create table added_later (id int)")
        conn.execute("alter table asset_keys add column added_later int")
    assert storage.has_table("added_later")  # "no" was not remembered
    assert storage.has_asset_key_col("added_later")
    before = len(statements)
    assert storage.has_table("added_later") and storage.has_asset_key_col("added_later")
    assert len(statements) == before


def test_the_cli_instance_stores_and_reads_events_through_it(
    tmp_path: Path, empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADELAKE_DAGSTER_PG_URL", dagster_storage_url(empty_db_url))
    home = dagster_home(tmp_path)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert isinstance(instance.event_log_storage, TradelakeEventLogStorage)
        key = dg.AssetKey(["ledger", "kalshi_fills"])
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=key, metadata={"rows": 3})
        )
        instance.report_runless_asset_event(
            dg.AssetCheckEvaluation(asset_key=key, check_name="rows_ok", passed=True)
        )
        event = instance.get_latest_materialization_event(key)
        assert event.asset_materialization.metadata["rows"].value == 3
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(key, "rows_ok")]
        )
        assert check[dg.AssetCheckKey(key, "rows_ok")].status.value == "SUCCEEDED"
    finally:
        instance.dispose()
