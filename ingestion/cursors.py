"""Per-stream cursors in ops.cursors, committed with the rows they cover (see loader.load)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class CursorUpdate:
    source: str
    stream: str
    value: str
    scope: str = ""


def get_cursor(conn: psycopg.Connection, source: str, stream: str, scope: str = "") -> str | None:
    row = conn.execute(
        "select value from ops.cursors where source = %s and stream = %s and scope = %s",
        (source, stream, scope),
    ).fetchone()
    return row[0] if row else None


def set_cursor(conn: psycopg.Connection, cursor: CursorUpdate) -> None:
    conn.execute(
        """
        insert into ops.cursors (source, stream, scope, value) values (%s, %s, %s, %s)
        on conflict (source, stream, scope) do update
            set value = excluded.value, updated_at = now()
        """,
        (cursor.source, cursor.stream, cursor.scope, cursor.value),
    )
