"""Records that fail validation go to ops.quarantine with the reason; the rest still load."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any, TypeVar

import psycopg
from pydantic import ValidationError

T = TypeVar("T")

UPSERT = """
insert into ops.quarantine (source, stream, reason, payload, payload_sha256, page_id)
values (%s, %s, %s, %s::jsonb, %s, %s)
on conflict (source, stream, payload_sha256) do update
    set last_seen_at = now(), seen_count = ops.quarantine.seen_count + 1,
        reason = excluded.reason
"""


@dataclass(frozen=True)
class Rejected:
    source: str
    stream: str
    reason: str
    payload: Any
    page_id: int | None = None


def describe(exc: Exception) -> str:
    """A one-line reason a person can act on."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}"
            for err in exc.errors()
        )
    if isinstance(exc, InvalidOperation):
        return "not a decimal number"
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return f"{type(exc).__name__}: {exc}"


def partition(
    items: Iterable[Any],
    parse: Callable[[Any], T | list[T]],
    *,
    source: str,
    stream: str,
    page_id: int | None,
) -> tuple[list[T], list[Rejected]]:
    """Apply `parse` to each raw item; failures become Rejected with the reason, nothing dropped.

    `parse` may return one record or a list (a market with several outcomes).
    """
    good: list[T] = []
    bad: list[Rejected] = []
    for item in items:
        try:
            out = parse(item)
        except (ValidationError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
            bad.append(Rejected(source, stream, describe(exc), item, page_id))
            continue
        good.extend(out if isinstance(out, list) else [out])
    return good, bad


def quarantine(conn: psycopg.Connection, reject: Rejected) -> None:
    payload = json.dumps(reject.payload, default=str, sort_keys=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()
    conn.execute(
        UPSERT,
        (reject.source, reject.stream, reject.reason, payload, digest, reject.page_id),
    )
