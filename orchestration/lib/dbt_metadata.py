"""Row count and column schema of each dbt model as it is built, on one connection.

dagster-dbt's `fetch_row_counts()` / `fetch_column_metadata()` hand each event to a thread pool
and drain it with dagster's `imap`, which polls without sleeping for the whole build: on a
2-core machine it took a core from dbt (docs/benchmarks.md). Here each materialization event
gets its metadata from two small queries in the consuming thread, in the order dbt finishes
models: a count(*) for tables and incremental models (views are not counted, as in
dagster-dbt: counting one runs its whole query) and the columns from the catalog.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dagster as dg
import psycopg
from psycopg import sql

COLUMNS = """
select a.attname, format_type(a.atttypid, a.atttypmod)
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = %s and c.relname = %s and a.attnum > 0 and not a.attisdropped
order by a.attnum
"""

Attach = Callable[[Mapping[str, Any], Any], Any]


@contextlib.contextmanager
def built_relation_metadata(url: str) -> Iterator[Attach]:
    conn: psycopg.Connection | None = None

    def attach(manifest: Mapping[str, Any], event: Any) -> Any:
        nonlocal conn
        node = _built_node(manifest, event)
        if not node:
            return event
        try:
            if conn is None:
                conn = psycopg.connect(url, autocommit=True)
            metadata = relation_metadata(conn, node)
        except psycopg.Error as exc:  # metadata is a nicety: never fail a build over it
            dg.get_dagster_logger().warning(f"no row count for {node['name']}: {exc}")
            return event
        return event.with_metadata({**event.metadata, **metadata})

    try:
        yield attach
    finally:
        if conn is not None:
            conn.close()


def _built_node(manifest: Mapping[str, Any], event: Any) -> Mapping[str, Any] | None:
    """The manifest node of a model dbt has built (a materialization event), else None."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    unique_id = event.metadata.get("unique_id")
    return manifest["nodes"].get(getattr(unique_id, "text", unique_id))


def built_relation(manifest: Mapping[str, Any], event: Any) -> str | None:
    """`schema.name` of the relation a materialization event says dbt has built, else None."""
    node = _built_node(manifest, event)
    return ".".join(_schema_and_name(node)) if node else None


def _schema_and_name(node: Mapping[str, Any]) -> tuple[str, str]:
    return node["schema"], node.get("alias") or node["name"]


def relation_metadata(conn: psycopg.Connection, node: Mapping[str, Any]) -> dict[str, Any]:
    schema, name = _schema_and_name(node)
    columns = conn.execute(COLUMNS, (schema, name)).fetchall()
    metadata: dict[str, Any] = {
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name=col, type=kind) for col, kind in columns]
        )
    }
    if node["config"].get("materialized") != "view":
        count = conn.execute(
            sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(name)
            )
        ).fetchone()
        metadata["dagster/row_count"] = count[0] if count else 0
    return metadata
