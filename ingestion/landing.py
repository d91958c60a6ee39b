"""Land first, then parse: every response page goes to raw.pages as received."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import psycopg

from ingestion.http.client import PageSink

INSERT_PAGE = """
insert into raw.pages (source, endpoint, request_params, status, payload, payload_text,
                       payload_sha256)
values (%s, %s, %s::jsonb, %s, %s::jsonb, %s, %s)
returning page_id
"""


def _json_default(value: Any) -> str:
    return str(value)


class PageLander(PageSink):
    """Writes each page in its own committed transaction, so a later parse failure loses nothing."""

    def __init__(self, conn: psycopg.Connection) -> None:
        if not conn.autocommit:
            raise ValueError("PageLander needs an autocommit connection")
        self.conn = conn

    def land(
        self, *, source: str, endpoint: str, params: Mapping[str, Any], status: int, body: str
    ) -> int:
        digest = hashlib.sha256(body.encode()).hexdigest()
        payload, text = _as_jsonb(body)
        row = self.conn.execute(
            INSERT_PAGE,
            (
                source,
                endpoint,
                json.dumps(dict(params), default=_json_default),
                status,
                payload,
                text,
                digest,
            ),
        ).fetchone()
        assert row is not None
        return int(row[0])


def _as_jsonb(body: str) -> tuple[str | None, str | None]:
    """The body itself when it is JSON (PostgreSQL keeps numbers exact), else verbatim text."""
    try:
        json.loads(body)
    except ValueError:
        return None, body
    # jsonb cannot hold \u0000; such a body is kept as text instead of being altered.
    if "\\u0000" in body:
        return None, body
    return body, None
