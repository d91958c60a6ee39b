"""Dagster's event log on PostgreSQL for tradelake's own instance (tradelake_cli/runtime.py writes
the dagster.yaml that names it): dagster-postgres's, remembering which of its tables and columns
exist.

dagster-postgres asks the database whether a table exists (`has_table`, a catalog query) before
it writes each asset event's tags and each asset check event: twice for most of the ≈ 2,300
events a `tradelake materialize` of the dbt groups stores, on the thread that also reads dbt's
output. Dagster likewise reflects the whole `asset_keys` table (SQLAlchemy's inspector, several
catalog queries) to learn whether a column exists: when it stores each materialization, and
when it reads an asset's record, which it does for each of the ≈ 600 dbt test results to name
the materialization the check ran against (≈ 1.4 s of that thread's CPU in such a run, py-spy).
Tables and columns appear with `dagster instance migrate`, and an instance's are not dropped
while it runs, so one seen once is remembered for the life of the process; one not found is
asked about again. dagster-postgres caches its secondary indexes the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dagster._check as check
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._serdes import ConfigurableClassData, serialize_value
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from sqlalchemy.engine import Connection


class EventLogStorage(PostgresEventLogStorage):
    """`PostgresEventLogStorage` that remembers the tables it has found."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._tables: set[str] = set()
        self._asset_key_columns: set[str] = set()
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
        return _remembered(self._tables, table_name, super().has_table)

    def has_asset_key_col(self, column_name: str) -> bool:
        if column_name in self._asset_key_columns:
            return True
        return super().has_asset_key_col(column_name)  # through the method below

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        ask = super()._has_asset_key_col_on_connection
        return _remembered(self._asset_key_columns, column_name, lambda name: ask(conn, name))

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """A run's planned events in three statements; any other batch as dagster-postgres
        stores it."""
        if not events or any(event.dagster_event_type not in _PLANNED for event in events):
            super().store_event_batch(events)
            return
        # one INSERT compiled once and sent in pages of rows ("insertmanyvalues"), rather than
        # dagster's single statement with a VALUES clause of every row, compiled anew each time
        with self._connect() as conn:
            inserted = conn.execute(
                SqlEventLogStorageTable.insert().returning(
                    SqlEventLogStorageTable.c.id, sort_by_parameter_order=True
                ),
                [self._event_to_row(event) for event in events],
            )
            ids = [int(row[0]) for row in inserted.fetchall()]  # in the order of the rows
        stored = list(zip(events, ids, strict=True))
        assets = [
            (event, event_id)
            for event, event_id in stored
            if event.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED
            and event.get_dagster_event().asset_key
        ]
        if assets:
            with self.index_transaction() as conn:
                self._store_asset_event_tags(
                    conn, [event for event, _ in assets], [event_id for _, event_id in assets]
                )
                for event, event_id in assets:
                    self._store_asset_event(conn, event, event_id)
        checks = [
            row
            for event, event_id in stored
            if event.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
            for row in _planned_execution(self, event, event_id)
        ]
        if checks:
            check.invariant(
                self.supports_asset_checks,
                "Asset checks require a database schema migration. Run `dagster instance migrate`.",
            )
            with self.index_connection() as conn:
                conn.execute(AssetCheckExecutionsTable.insert(), checks)


_PLANNED = frozenset(
    {
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    }
)


def _remembered(found: set[str], name: str, ask: Callable[[str], bool]) -> bool:
    """Whether `name` exists: from `found` if it was seen before, else from `ask` (remembered
    when it is there)."""
    if name in found:
        return True
    if ask(name):
        found.add(name)
        return True
    return False


def _planned_execution(
    storage: EventLogStorage, event: EventLogEntry, event_id: int
) -> list[dict[str, Any]]:
    """The rows dagster's `_store_asset_check_evaluation_planned` inserts for one planned check
    (one per partition)."""
    planned = event.get_dagster_event().asset_check_planned_data
    partitions = (
        planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
    )
    return [
        {
            "asset_key": planned.asset_key.to_string(),
            "check_name": planned.check_name,
            "partition": partition,
            "run_id": event.run_id,
            "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
            "evaluation_event": serialize_value(event),
            "evaluation_event_timestamp": storage._event_insert_timestamp(event),
            "evaluation_event_storage_id": event_id,
        }
        for partition in partitions
    ]
