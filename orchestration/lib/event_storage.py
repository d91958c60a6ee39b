"""Dagster's PostgreSQL event log, without re-reading its own schema for every event.

`PostgresEventLogStorage` asks the database, for each asset event it stores, whether its tables
and columns exist: `has_table` (a catalog query) before the event's tags and every check result,
and `has_asset_key_col` (a reflection of every column of `asset_keys`) before the asset row. A
run of the dbt groups stores ≈ 2,300 events, so these questions were ≈ 14 % of the run's
event-handling samples (docs/benchmarks.md). What exists stays: the answer "yes" is kept for the
life of the storage; "no" is asked again, so a table a migration adds later is found.

tradelake_cli/runtime.py names this class in the instance it writes (`event_log_storage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster._serdes import ConfigurableClassData
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config


class TradelakeEventLogStorage(PostgresEventLogStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._tables_seen: set[str] = set()
        self._asset_key_columns_seen: set[str] = set()
        super().__init__(*args, **kwargs)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> TradelakeEventLogStorage:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    def has_table(self, table_name: str) -> bool:
        if table_name in self._tables_seen:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_seen.add(table_name)
        return found

    def has_asset_key_col(self, column_name: str) -> bool:
        if column_name in self._asset_key_columns_seen:
            return True
        found = super().has_asset_key_col(column_name)
        if found:
            self._asset_key_columns_seen.add(column_name)
        return found
