"""OKX streams: own fills per `accounts.okx.inst_types`, and instrument metadata.

Fills: per instType, a cursor (scope = instType) holds the newest fill seen (billId + time) and
how far the last run read (`synced_to`). A sync reads from `sync_start` (first run) or
`synced_to` minus an overlap, bounded by what OKX serves: GET /trade/fills-history covers the
last 3 months (older fills are out of reach: said in the run's notes), GET /trade/fills 3 days.
When the lower bound is older than 3 days, the history endpoint is read first; the recent one
always runs last and its final page carries the cursor. Both page backwards with `after`; the
same fill from both endpoints is a no-op for the loader (key: account + billId).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped, VenueError
from ingestion.http.client import Page
from ingestion.loader import LedgerTable, load
from ingestion.okx import SOURCE
from ingestion.okx import tables as t
from ingestion.okx.client import OkxClient, make_client, next_after, rows_of
from ingestion.okx.models import AccountConfig, Fill, Instrument
from ingestion.okx.normalize import fill_row, instrument_row
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult

HISTORY_WINDOW = timedelta(days=90)  # "This endpoint can retrieve data from the last 3 months"
RECENT_WINDOW = timedelta(days=3)  # GET /trade/fills: "the last 3 days"
MARGIN = timedelta(hours=1)  # read history when the bound is this close to the 3-day edge
OVERLAP = timedelta(minutes=30)  # re-read before the cursor: late-indexed fills; no-ops


def _config(ctx: SyncContext) -> list[str]:
    okx = ctx.settings.config.accounts.okx
    if not okx.enabled:
        raise SourceSkipped("accounts.okx.enabled is false in tradelake.yaml")
    if not okx.inst_types:
        raise SourceSkipped("accounts.okx.inst_types is empty in tradelake.yaml")
    return [str(i).upper() for i in okx.inst_types]


def account_of(client: OkxClient) -> str:
    """The account is OKX's `uid` (stable when API keys rotate, unlike the key or its label)."""
    rows = rows_of(client.account_config().payload)
    if not rows:
        raise VenueError("okx account/config returned no account")
    return AccountConfig.model_validate(rows[0]).uid


def read_cursor(ctx: SyncContext, inst_type: str) -> dict | None:
    with ctx.connect() as conn:
        value = get_cursor(conn, SOURCE, "fills", inst_type)
    return json.loads(value) if value else None


def _newest(rows: list[dict], previous: dict | None) -> dict:
    """The newest fill by execution time (ties: larger billId), or the previous one."""
    best = {k: (previous or {}).get(k) for k in ("bill_id", "executed_at")}
    for r in rows:
        candidate = {"bill_id": r["bill_id"], "executed_at": r["executed_at"].isoformat()}
        if best["executed_at"] is None or _order(candidate) > _order(best):
            best = candidate
    return best


def _order(c: dict) -> tuple:
    bill = c["bill_id"] or ""
    return (datetime.fromisoformat(c["executed_at"]), int(bill) if bill.isdigit() else 0)


def _lower_bound(ctx: SyncContext, stored: dict | None) -> datetime:
    """sync_start on the first run, else where the previous run's reading ended, minus overlap."""
    if stored is None:
        return ctx.settings.config.sync_start
    mark = stored.get("synced_to") or stored.get("executed_at")
    return datetime.fromisoformat(mark) - OVERLAP


def within_reach(
    ctx: SyncContext, result: SyncResult, lower: datetime, floor: datetime, what: str, served: str
) -> datetime:
    """`lower`, or `floor` (the oldest record OKX serves) with a note saying what is lost."""
    if lower < floor:
        result.notes.append(
            f"okx {what} before {floor:%Y-%m-%d} are out of reach: OKX serves 3 months of "
            f"{served} (wanted from {lower:%Y-%m-%d})"
        )
        ctx.log.warning(result.notes[-1])
        return floor
    return lower


def load_pages(
    conn,
    result: SyncResult,
    pages: Iterator[Page],
    parse: Callable[[dict], dict],
    *,
    table: LedgerTable,
    stream: str,
    cursor: Callable[[list[dict]], CursorUpdate] | None = None,
    next_page: Callable[[Any], str | None] = next_after,
) -> list[dict]:
    """Load each page of a backwards-paged endpoint in its own transaction; the last page (no
    `next_page` cursor) carries `cursor(every row loaded)`. Returns the rows loaded."""
    loaded: list[dict] = []
    for page in pages:
        rows, bad = partition(
            rows_of(page.payload), parse, source=SOURCE, stream=stream, page_id=page.page_id
        )
        loaded += rows
        last = next_page(page.payload) is None
        update = cursor(loaded) if (cursor and last) else None
        result.add(load(conn, table, rows, page_id=page.page_id, rejects=bad, cursor=update))
    return loaded


def _load_fill_pages(
    ctx: SyncContext,
    result: SyncResult,
    pages: Iterator[Page],
    parse: Callable[[dict], dict],
    cursor: Callable[[list[dict]], CursorUpdate] | None = None,
) -> list[dict]:
    with ctx.connect() as conn:
        return load_pages(conn, result, pages, parse, table=t.FILLS, stream="fills", cursor=cursor)


def _sync_inst_type(
    ctx: SyncContext, c: OkxClient, account: str, inst_type: str, result: SyncResult
) -> None:
    now = ctx.now()
    stored = read_cursor(ctx, inst_type)
    lower = _lower_bound(ctx, stored)
    lower = within_reach(
        ctx, result, lower, now - HISTORY_WINDOW, f"{inst_type} fills", "fill history"
    )

    def parse(raw: dict) -> dict:
        return fill_row(Fill.model_validate(raw), account)

    older: list[dict] = []

    def cursor(rows: list[dict]) -> CursorUpdate:
        # newest fill seen (history and recent) plus how far this run has read: the next run
        # starts there, so an account that stops trading does not re-read the history
        value = {**_newest(older + rows, stored), "synced_to": now.isoformat()}
        return CursorUpdate(SOURCE, "fills", json.dumps(value, sort_keys=True), inst_type)

    recent_floor = now - RECENT_WINDOW
    if lower < recent_floor + MARGIN:
        older = _load_fill_pages(ctx, result, c.fills(inst_type, history=True, begin=lower), parse)
    recent = c.fills(inst_type, history=False, begin=max(lower, recent_floor))
    _load_fill_pages(ctx, result, recent, parse, cursor)


def sync_fills(ctx: SyncContext) -> SyncResult:
    inst_types = _config(ctx)
    result = SyncResult(SOURCE, "fills")
    c = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander)
    try:
        account = account_of(c)
        for inst_type in inst_types:
            _sync_inst_type(ctx, c, account, inst_type, result)
    finally:
        c.close()
    return result


def sync_instruments(ctx: SyncContext) -> SyncResult:
    """Every instrument of each configured instType: an observation appended when it changes."""
    inst_types = _config(ctx)
    result = SyncResult(SOURCE, "instruments")
    observed_at = ctx.now()

    def parse(raw: dict) -> dict:
        return instrument_row(Instrument.model_validate(raw), observed_at)

    c = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, signed=False)
    try:
        with ctx.connect() as conn:
            for inst_type in inst_types:
                page = c.instruments(inst_type)
                rows, bad = partition(
                    rows_of(page.payload),
                    parse,
                    source=SOURCE,
                    stream="instruments",
                    page_id=page.page_id,
                )
                result.add(load(conn, t.INSTRUMENTS, rows, page_id=page.page_id, rejects=bad))
    finally:
        c.close()
    return result
