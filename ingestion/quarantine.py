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

from ingestion.drift import PageFindings, watching

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


class Rejects(list[Rejected]):
    """A page's rejected records, with the schema drift the page showed (`drift`, recorded by
    `load` in the page's transaction). Keep the object when rewriting its items (`bad[:] = ...`)."""

    drift: PageFindings | None = None


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

    `parse` may return one record or a list (a market with several outcomes). The page's schema
    and unit drift (ingestion/drift.py) rides on the rejects; when it blocks, every record of the
    page is quarantined with the drifted fields named instead of loaded.
    """
    good: list[T] = []
    bad = Rejects()
    errors: list[str | None] = []  # per item: why it was refused, None when it parsed
    items = list(items)
    with watching() as seen:
        for item in items:
            try:
                out = parse(item)
            except (ValidationError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
                errors.append(describe(exc))
                bad.append(Rejected(source, stream, errors[-1], item, page_id))
                continue
            errors.append(None)
            good.extend(out if isinstance(out, list) else [out])
    found = PageFindings(source, stream, page_id, tuple(seen.findings()))
    if found.drift:
        bad.drift = found
    if found.blocking:
        # The drift is the cause: every record of the page waits for it, its own error kept.
        reason = found.reason()
        bad[:] = [
            Rejected(source, stream, reason + (f" (record: {e})" if e else ""), item, page_id)
            for item, e in zip(items, errors, strict=True)
        ]
        good = []
    return good, bad


def quarantine(conn: psycopg.Connection, reject: Rejected) -> None:
    payload = json.dumps(reject.payload, default=str, sort_keys=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()
    conn.execute(
        UPSERT,
        (reject.source, reject.stream, reject.reason, payload, digest, reject.page_id),
    )
