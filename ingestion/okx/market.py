"""OKX market streams of `markets.okx.instruments`: hourly candles and tickers (public).

Candles (cursor scope = instId): the open time (ms) of the first hour not yet seen closed. Each
run pages backwards from the newest candle to the cursor (first run: `sync_start`, floored to the
hour): /market/candles 300 per page while it serves (its latest 1,440 bars), then
/market/history-candles 100 per page; `after` is the oldest open time read, so pages neither
overlap nor leave a gap, and an empty page is not taken for the end (paginate.
descending_time_pages). The still-open hour (`confirm` "0") is loaded as a version and read
again by the next run; observation mode keeps a version only when the candle changed. The cursor
is committed with the last page, so a crash before it re-reads the range (no-ops).

Tickers: one GET /market/ticker per instrument per run, an observation kept when it changed
(`ts` is not part of the version: a ticker whose prices did not move adds nothing).
"""

from __future__ import annotations

from datetime import timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.http.client import Page
from ingestion.loader import load
from ingestion.okx import SOURCE
from ingestion.okx import tables as t
from ingestion.okx.client import HOUR_MS, OkxClient, make_client, rows_of
from ingestion.okx.models import Ticker
from ingestion.okx.normalize import candle_row, ticker_row
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wire import datetime_from_epoch_ms, epoch_ms_from_datetime


def instruments(ctx: SyncContext) -> list[str]:
    inst_ids = list(ctx.settings.config.markets.okx.instruments)
    if not inst_ids:
        raise SourceSkipped("markets.okx.instruments is empty in tradelake.yaml")
    return inst_ids


def _hour_floor(ms: int) -> int:
    return ms - ms % HOUR_MS


def next_cursor(rows: list[dict], start: int) -> int:
    """The open time of the first hour not yet seen closed: the oldest still-open candle read,
    else the hour after the newest closed one; never behind `start`."""
    open_ = [r["open_time"] for r in rows if not r["is_closed"]]
    closed = [r["open_time"] for r in rows if r["is_closed"]]
    if open_:
        at = min(open_)
    elif closed:
        at = max(closed) + timedelta(hours=1)
    else:
        return start
    return max(start, epoch_ms_from_datetime(at))


def sync_candles(ctx: SyncContext, **client_kw) -> SyncResult:
    """Hourly candles of every configured instrument since its cursor (first run: sync_start)."""
    inst_ids = instruments(ctx)
    result = SyncResult(SOURCE, "candles")
    c = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, signed=False, **client_kw)
    try:
        with ctx.connect() as conn:
            for inst_id in inst_ids:
                _sync_instrument_candles(ctx, conn, c, result, inst_id)
    finally:
        c.close()
    return result


def _sync_instrument_candles(ctx, conn, c: OkxClient, result: SyncResult, inst_id: str) -> None:
    cursor = get_cursor(conn, SOURCE, "candles", inst_id)
    start = (
        int(cursor)
        if cursor
        else _hour_floor(epoch_ms_from_datetime(ctx.settings.config.sync_start))
    )
    start_at = datetime_from_epoch_ms(start)
    observed_at = ctx.now()

    def parse(raw, _inst=inst_id, _at=observed_at):
        return candle_row(raw, _inst, _at)

    seen: list[dict] = []
    pending: Page | None = None

    def land(page: Page, last: bool) -> None:
        rows, bad = partition(
            rows_of(page.payload), parse, source=SOURCE, stream="candles", page_id=page.page_id
        )
        rows = [r for r in rows if r["open_time"] >= start_at]  # older: before the range asked
        seen.extend(rows)
        cur = None
        if last:
            cur = CursorUpdate(SOURCE, "candles", str(next_cursor(seen, start)), inst_id)
        result.add(load(conn, t.CANDLES, rows, page_id=page.page_id, rejects=bad, cursor=cur))

    for page in c.candles(inst_id, start):
        if pending is not None:
            land(pending, last=False)
        pending = page
    if pending is not None:
        land(pending, last=True)


def sync_tickers(ctx: SyncContext, **client_kw) -> SyncResult:
    inst_ids = instruments(ctx)
    result = SyncResult(SOURCE, "tickers")
    c = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, signed=False, **client_kw)
    try:
        with ctx.connect() as conn:
            for inst_id in inst_ids:
                observed_at = ctx.now()
                page = c.ticker(inst_id)

                def parse(raw, _inst=inst_id, _at=observed_at):
                    return ticker_row(Ticker.model_validate(raw), _inst, _at)

                rows, bad = partition(
                    rows_of(page.payload), parse, source=SOURCE, stream="tickers",
                    page_id=page.page_id,
                )  # fmt: skip
                result.add(load(conn, t.TICKERS, rows, page_id=page.page_id, rejects=bad))
    finally:
        c.close()
    return result
