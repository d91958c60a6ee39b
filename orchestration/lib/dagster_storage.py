"""Dagster's event log on PostgreSQL for tradelake's own instance (tradelake_cli/runtime.py writes
the dagster.yaml that names it): dagster-postgres's, remembering which of its tables exist.

dagster-postgres asks the database whether a table exists (`has_table`, a catalog query) before
it writes each asset event's tags and each asset check event: twice for most of the ≈ 2,300
events a `tradelake materialize` of the dbt groups stores, on the thread that also reads dbt's
output. Tables appear with `dagster instance migrate`, and an instance's tables are not dropped
while it runs, so a table seen once is remembered for the life of the process; a table not
found is asked about again. dagster-postgres caches its secondary indexes the same way.
"""

from __future__ import annotations

from typing import Any

from dagster._serdes import ConfigurableClassData
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config


class EventLogStorage(PostgresEventLogStorage):
    """`PostgresEventLogStorage` that remembers the tables it has found."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._tables: set[str] = set()
        super().__init__(*args, **kwargs)

    @classmethod
    def from_config_value(  # same configuration as dagster-postgres's, built as this class
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> EventLogStorage:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    def has_table(self, table_name: str) -> bool:
        if table_name in self._tables:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables.add(table_name)
        return found
