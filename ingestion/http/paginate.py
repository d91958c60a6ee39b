"""Pagination strategies, written once. Each takes a `fetch` callable returning a Page.

Clients pick the strategy the venue documents and supply how to read its payload; the strategy
owns the loop, the end condition and the guard against a venue repeating a cursor forever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from ingestion.errors import VenueError
from ingestion.http.client import Page

Items = Callable[[Any], Sequence[Any]]


class OffsetCapReached(Exception):
    """The venue's maximum offset was reached with more data still there."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"offset cap reached at {offset}")
        self.offset = offset


def cursor_pages(
    fetch: Callable[[str | None], Page],
    next_cursor: Callable[[Any], str | None],
    *,
    start: str | None = None,
    max_pages: int = 100_000,
) -> Iterator[Page]:
    """Follow an opaque cursor until the venue's end marker (missing, null or empty cursor)."""
    cursor, seen = start, set()
    for _ in range(max_pages):
        page = fetch(cursor)
        yield page
        cursor = next_cursor(page.payload)
        if not cursor:
            return
        if cursor in seen:
            raise VenueError(f"{page.endpoint}: cursor {cursor!r} repeated; refusing to loop")
        seen.add(cursor)
    raise VenueError(f"more than {max_pages} pages: stopping to protect the venue")


def offset_pages(
    fetch: Callable[[int, int], Page],
    items: Items,
    *,
    limit: int,
    max_offset: int | None = None,
    start: int = 0,
) -> Iterator[Page]:
    """offset/limit paging; a short page ends it. Past `max_offset` raises OffsetCapReached."""
    offset = start
    while True:
        if max_offset is not None and offset > max_offset:
            raise OffsetCapReached(offset)
        page = fetch(offset, limit)
        yield page
        if len(items(page.payload)) < limit:
            return
        offset += limit


def keyset_pages(
    fetch: Callable[[Any | None], Page],
    next_key: Callable[[Any], Any | None],
    items: Items,
    *,
    start: Any | None = None,
    max_pages: int = 100_000,
) -> Iterator[Page]:
    """Keyset paging: ask for rows after the last key; ends on an empty page or no next key."""
    key = start
    for _ in range(max_pages):
        page = fetch(key)
        yield page
        if not items(page.payload):
            return
        new_key = next_key(page.payload)
        if new_key is None or new_key == key:
            return
        key = new_key
    raise VenueError(f"more than {max_pages} pages: stopping to protect the venue")


def time_windows(
    start: datetime, end: datetime, step: timedelta
) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive [a, b) windows covering [start, end)."""
    a = start
    while a < end:
        b = min(a + step, end)
        yield a, b
        a = b


def time_cursor_pages(
    fetch: Callable[[Any], Page],
    items: Items,
    time_of: Callable[[Any], Any],
    *,
    start: Any,
    cap: int,
    advance: Callable[[Any], Any],
    max_pages: int = 100_000,
) -> Iterator[Page]:
    """Time-window paging for venues that return at most `cap` rows from a start time.

    A full page means there may be more: the next request starts at `advance(last time)`.
    A page shorter than the cap is the end. Duplicates at the boundary are the caller's to
    drop (dedupe on the venue's id), which is why the loader is idempotent.
    """
    since = start
    for _ in range(max_pages):
        page = fetch(since)
        yield page
        rows = items(page.payload)
        if len(rows) < cap:
            return
        latest = max(time_of(r) for r in rows)
        nxt = advance(latest)
        if nxt <= since:
            raise VenueError(f"{page.endpoint}: time cursor did not advance past {since!r}")
        since = nxt
    raise VenueError(f"more than {max_pages} pages: stopping to protect the venue")
