"""Pagination strategies, written once. Each takes a `fetch` callable returning a Page.

Clients pick the strategy the venue documents and supply how to ask for a page and read its
payload; the strategy owns the loop, the end condition, the guard against a venue repeating a
cursor forever, and the report of history a venue cannot serve (`Truncation`).

- `cursor_pages`: an opaque cursor until it is empty (Kalshi, OKX)
- `keyset_pages`: rows after the last key (Polymarket Gamma)
- `offset_pages`: offset/limit up to a maximum offset (inside the next one)
- `offset_window_pages`: offset/limit inside [start, end) time windows (Polymarket Data)
- `time_cursor_pages`: at most `cap` rows from a start time (Hyperliquid)
- `block_window_pages`: a page x offset record window from a start block (Etherscan)
- `day_range_pages`: a date range answered whole or cut at a limit (ESPN)
- `time_windows`: fixed-size windows for endpoints without paging (Polymarket CLOB)
- `descending_time_pages`: newest first, `after` = the oldest time read, across endpoint tiers
  (OKX candles: the recent endpoint, then the history one)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.errors import VenueError
from ingestion.http.client import Page

Items = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Truncation:
    """History a venue would not serve: why, and the oldest time still reached (if known)."""

    reason: str
    oldest_reached_at: datetime | None = None


OnTruncated = Callable[[Truncation], None]


def _ignore(cut: Truncation) -> None:
    return None


class OffsetCapReached(Exception):
    """The venue's maximum offset was reached with more data still there."""

    def __init__(self, offset: int, cap: int | None = None) -> None:
        super().__init__(f"offset cap reached at {offset}")
        self.offset = offset
        self.cap = offset if cap is None else cap


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
            raise OffsetCapReached(offset, max_offset)
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
    end: Any | None = None,
    stuck: Callable[[Any], Any] | None = None,
    max_pages: int = 100_000,
) -> Iterator[Page]:
    """Time paging for venues that return at most `cap` rows from a start time.

    A full page means there may be more: the next request starts at `advance(latest time)`
    (the identity re-reads the boundary instant, so rows sharing it are not cut off; duplicates
    are the loader's to drop by the venue's id). A page shorter than the cap, a page without a
    usable time, or a cursor past `end` is the end. A cursor that cannot advance (a full page
    inside one instant) calls `stuck(cursor)`, which reports the loss and returns where to go
    on; without the hook it is an error.
    """
    since = start
    for _ in range(max_pages):
        if end is not None and since > end:
            return
        page = fetch(since)
        yield page
        rows = items(page.payload)
        times = [t for t in map(time_of, rows) if t is not None]
        if len(rows) < cap or not times:
            return
        nxt = advance(max(times))
        if nxt <= since:
            if stuck is None:
                raise VenueError(f"{page.endpoint}: time cursor did not advance past {since!r}")
            nxt = stuck(since)
        since = nxt
    raise VenueError(f"more than {max_pages} pages: stopping to protect the venue")


def window_pages(
    fetch: Callable[[int, int], Any],
    *,
    start: int,
    end: int,
    step: int,
) -> Iterator[Any]:
    """One request per consecutive window [a, a + step) of epoch ms up to `end` (exclusive).

    For venues that answer a time range whole up to a row cap (Hyperliquid candleSnapshot: at
    most 5000 candles): `step` is chosen so one window cannot hold more than the cap, so no page
    is ever cut and nothing is asked twice. An empty window is NOT the end: a coin listed late,
    a trading halt or history the venue no longer keeps leaves windows empty before or between
    full ones, so every window up to `end` is asked. `fetch(a, b)` asks for rows in [a, b)
    (and may return the page with whatever the caller needs beside it).
    """
    if step <= 0:
        raise ValueError(f"window step must be positive, got {step}")
    a = start
    while a < end:
        b = min(a + step, end)
        yield fetch(a, b)
        a = b


# --- offset paging inside time windows -------------------------------------------------------

SECOND = timedelta(seconds=1)


def offset_window_pages(
    fetch: Callable[[datetime, datetime, int, int], Page],
    items: Items,
    second_of: Callable[[Any], int | None],
    *,
    start: datetime,
    end: datetime,
    limit: int,
    cap: int,
    label: str,
    on_truncated: OnTruncated = _ignore,
    is_cap_error: Callable[[Exception], bool] = lambda exc: False,
) -> Iterator[Page]:
    """offset/limit paging inside [start, end) windows, never past the venue's offset cap.

    `fetch(a, b, offset, limit)` asks for the rows of [a, b); `second_of` reads a row's epoch
    second (None when unusable). When a window holds more rows than the cap allows, the rest of
    it becomes a new window starting (ascending feeds) or ending (newest-first feeds) at the
    last second read, with a fresh offset budget; the boundary second is re-read and the loader
    drops the repeats. A venue enforcing a lower cap than we know (`is_cap_error` on a request
    past offset 0) is treated the same way. If no progress is possible (more rows in one second
    than the cap), the loss is reported through `on_truncated`, never silently skipped.
    """
    stack = [(start, end)]
    while stack:
        a, b = stack.pop()
        seconds: list[int] = []

        def at_offset(offset: int, n: int, a: datetime = a, b: datetime = b) -> Page:
            try:
                return fetch(a, b, offset, n)
            except Exception as exc:
                if offset == 0 or not is_cap_error(exc):
                    raise
                raise OffsetCapReached(offset, offset - n) from exc

        try:
            for page in offset_pages(at_offset, items, limit=limit, max_offset=cap):
                yield page
                seconds += [s for s in map(second_of, items(page.payload)) if s is not None]
        except OffsetCapReached as reached:
            stack += _rest_of_window(a, b, seconds, f"{label}: ", reached.cap, on_truncated)


def _rest_of_window(
    a: datetime, b: datetime, seconds: list[int], label: str, cap: int, on_truncated: OnTruncated
) -> list[tuple[datetime, datetime]]:
    """The unread rest of [a, b) after the offset cap; a boundary second holding more rows than
    the cap is a venue history limit: reported, and reading goes on past it."""
    if not seconds:
        on_truncated(Truncation(f"{label}offset cap {cap} reached without timestamps", a))
        return []
    at = lambda s: datetime.fromtimestamp(s, tz=UTC)  # noqa: E731
    ascending = seconds[0] <= seconds[-1]
    # ascending: continue from the newest second read; newest first: up to the oldest one
    rest = (at(max(seconds)), b) if ascending else (a, at(min(seconds)) + SECOND)
    if rest != (a, b):
        return [rest]
    crowded = a if ascending else b - SECOND
    on_truncated(Truncation(f"{label}more than {cap} rows within one second", crowded))
    rest = (a + SECOND, b) if ascending else (a, b - SECOND)
    return [rest] if rest[0] < rest[1] else []


# --- page x offset inside sliding block windows ----------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One landed page and the rows of it to load now. `done_through` is set on the last
    chunk of a query window: every row of every block up to it has been yielded."""

    page: Page
    rows: list[Any]
    done_through: int | None = None


@dataclass
class RecordWindow:
    """How many records one query may page through (page x per-page); lowered for good the
    first time the venue refuses a page inside what we assumed."""

    records: int


def block_window_pages(
    fetch: Callable[[int, int], Page],
    items: Items,
    block_of: Callable[[Any], int | None],
    *,
    start: int,
    per_page: int,
    window: RecordWindow,
    too_large: type[Exception],
    scope: str,
    label: str,
    on_truncated: OnTruncated = _ignore,
) -> Iterator[Chunk]:
    """Every row from block `start` on, ascending, for venues that serve at most
    `window.records` rows per query (`fetch(start_block, page_number)`, pages of `per_page`).

    When a window is used up, the next query starts at the last block seen (the start block
    slides), and that block's rows are held back until then, so every block is loaded whole from
    one query. A short page ends the history only when the query from its last block brings
    nothing new: "short" alone proves nothing (rows may be indexed meanwhile). A single block
    filling a whole window is reported through `on_truncated` and passed.
    """
    done = start - 1
    while True:
        pages, full = _query_window(fetch, items, start, per_page, window, too_large)
        blocks = [b for _, rows in pages for b in map(block_of, rows) if b is not None]
        if full and blocks and max(blocks) > start:
            # slide: the last block is held back and read whole by the next query
            last = max(blocks)
            yield from _chunks(pages, block_of, done, last, last - 1)
            done, start = last - 1, last
        elif full:
            # One block fills a whole query: rows past the window are out of reach.
            last = max(blocks) if blocks else None
            on_truncated(
                Truncation(
                    f"block {last} of {scope} fills a whole query window of {label} rows "
                    f"({window.records}); rows beyond it cannot be read"
                )
            )
            yield from _chunks(pages, block_of, done, None, last)
            if last is None:
                return
            done, start = last, last + 1
        elif any(b > done for b in blocks):
            # a short page: new rows, but ask again from its last block and stop only when
            # that brings nothing new
            last = max(blocks)
            yield from _chunks(pages, block_of, done, None, last)
            done = start = last
        else:
            yield from _chunks(pages, block_of, done, None, max(done, 0))
            return


def _query_window(fetch, items, start, per_page, window, too_large):
    """Pages of one query from `start` until a short page (False) or the record window is used
    up (True)."""
    pages: list[tuple[Page, list]] = []
    number = 1
    while number * per_page <= window.records:
        try:
            page = fetch(start, number)
        except too_large:
            if number == 1:
                raise
            window.records = (number - 1) * per_page  # the venue's real cap, from now on
            return pages, True
        rows = list(items(page.payload))
        pages.append((page, rows))
        if len(rows) < per_page:
            return pages, False
        number += 1
    return pages, True


def _chunks(pages, block_of, after: int, before: int | None, done_through: int | None):
    """Rows of blocks in (after, before) (and rows without a usable block, for quarantine)."""
    for i, (page, rows) in enumerate(pages):
        chosen = []
        for row in rows:
            b = block_of(row)
            if b is None or (b > after and (before is None or b < before)):
                chosen.append(row)
        yield Chunk(page, chosen, done_through if i == len(pages) - 1 else None)


# --- date ranges halved while full -----------------------------------------------------------


def day_range_pages(
    fetch: Callable[[date, date], Page], is_full: Callable[[Page], bool], start: date, end: date
) -> Iterator[Page]:
    """Every page of [start, end] (days, inclusive) for an endpoint without paging that cuts an
    answer at a limit: a full answer may be cut off, so its range is halved and re-read until
    each part fits (a single full day is kept as it is)."""
    page = fetch(start, end)
    if not is_full(page) or start == end:
        yield page
        return
    middle = start + (end - start) // 2
    yield from day_range_pages(fetch, is_full, start, middle)
    yield from day_range_pages(fetch, is_full, middle + timedelta(days=1), end)


# --- newest first, by time, across endpoint tiers ----------------------------------------------


def descending_time_pages(
    tiers: Sequence[Callable[[int | None], Page]],
    times: Callable[[Any], Sequence[int]],
    *,
    stop: int,
    hole: int,
    max_pages: int = 100_000,
) -> Iterator[Page]:
    """Pages of rows newest first, each asked with `after` = the oldest time (ms) read so far
    ("records earlier than the requested ts"), until a page reaches `stop` (ms, inclusive).

    `tiers` are the endpoints in order of recency (OKX: /market/candles keeps the latest 1,440
    bars, /market/history-candles the years before): `fetch(after)` asks one page of at most its
    own cap, `after` None = the newest. An empty page is not the end:
    - from a tier that is not the last, the next tier is asked from the same `after` (the
      recent endpoint no longer serves that far back);
    - from the last tier, the range below `after` is taken as a hole of at most `hole` ms (a
      venue that answers a bounded window below `after`, or a gap in its data) and the walk goes
      on from `after - hole`, until `stop` is passed. Before an instrument's listing this asks a
      few empty pages; it never takes an empty page for the end of history while `stop` is
      still ahead.
    """
    if hole <= 0:
        raise ValueError(f"hole must be positive, got {hole}")
    tier, after = 0, None
    for _ in range(max_pages):
        page = tiers[tier](after)
        yield page
        seen = list(times(page.payload))
        if seen:
            oldest = min(seen)
            if oldest <= stop:
                return
            if after is not None and oldest >= after:
                raise VenueError(
                    f"{page.endpoint}: page does not move below {after}; refusing to loop"
                )
            after = oldest
        elif tier + 1 < len(tiers):
            tier += 1
        elif after is None:
            return  # the oldest tier has nothing at all
        else:
            after -= hole
            if after <= stop:
                return
    raise VenueError(f"more than {max_pages} pages: stopping to protect the venue")
