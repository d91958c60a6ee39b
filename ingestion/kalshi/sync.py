"""Kalshi streams: markets (public), and the operator's fills, orders, settlements, positions,
balance.

Each follows the sync contract (docs/architecture.md): every page lands in raw.pages, records are
validated one by one (bad ones quarantined with the reason, page-mates load), loads are
idempotent and a stream's cursor commits with the last page it covers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped, VenueError
from ingestion.http.client import Page
from ingestion.kalshi import SOURCE
from ingestion.kalshi import tables as t
from ingestion.kalshi.client import KalshiClient, credentials, make_client
from ingestion.kalshi.models import Balance, Fill, Market, MarketPosition, Order, Settlement
from ingestion.kalshi.normalize import (
    balance_row,
    closed_position_row,
    fill_row,
    market_row,
    order_row,
    position_row,
    settlement_row,
)
from ingestion.loader import LedgerTable, load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult

# Re-read a little before the stored cursor: fills can be indexed slightly after their
# created_time. The loader makes the overlap free (same fill_id, same content = no-op).
OVERLAP = timedelta(minutes=10)


def client(ctx: SyncContext) -> KalshiClient:
    return make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander)


def account_of(ctx: SyncContext) -> str:
    creds = credentials(ctx.settings)
    if not ctx.settings.config.accounts.kalshi.enabled:
        raise SourceSkipped("accounts.kalshi.enabled is false in tradelake.yaml")
    if creds is None:
        raise SourceSkipped(
            "KALSHI_API_KEY_ID / KALSHI_PRIVATE_KEY_PATH are not set: export them to sync the "
            "Kalshi portfolio (markets sync without them)"
        )
    # Not the API key id: a rotated key would re-load the whole history under a new account.
    # Kalshi's fills, settlements, positions and balance carry no user id, so the account is the
    # configured name `accounts.kalshi.account` (default "kalshi").
    return ctx.settings.config.accounts.kalshi.account


def _load_pages(
    ctx: SyncContext,
    result: SyncResult,
    pages: Iterator[Page],
    items: str,
    parse: Callable,
    table: LedgerTable,
    stream: str,
    cursor: Callable[[list[dict]], CursorUpdate | None] | None = None,
) -> list[dict]:
    """Validate + load every page; the cursor (if any) rides on the final page's transaction."""
    loaded: list[dict] = []
    with ctx.connect() as conn:
        for page in pages:
            rows, bad = partition(
                (page.payload or {}).get(items) or [],
                parse,
                source=SOURCE,
                stream=stream,
                page_id=page.page_id,
            )
            loaded += rows
            last = not (page.payload or {}).get("cursor")
            update = cursor(loaded) if (cursor and last) else None
            result.add(load(conn, table, rows, page_id=page.page_id, rejects=bad, cursor=update))
    return loaded


def sync_markets(ctx: SyncContext) -> SyncResult:
    series = ctx.settings.config.markets.kalshi.series
    if not series:
        raise SourceSkipped("markets.kalshi.series is empty in tradelake.yaml")
    result = SyncResult(SOURCE, "markets")
    observed_at = ctx.now()
    start = ctx.settings.config.sync_start
    stamp = observed_at.isoformat()  # per-series marker: the first sync (with history) is done
    c = client(ctx)
    try:
        cutoff = c.cutoff()

        def parse(raw: dict) -> dict:
            return market_row(Market.model_validate(raw), observed_at)

        for s in series:
            # Markets that settled before the cutoff exist only under /historical/markets;
            # they cannot change any more, so only a first sync needs them.
            if cutoff.market_settled > start and get_cursor_safe(ctx, "markets", s) is None:
                _load_pages(
                    ctx, result, c.historical_markets(s, start), "markets", parse, t.MARKETS,
                    "markets",
                )  # fmt: skip
            _load_pages(
                ctx, result, c.markets(s), "markets", parse, t.MARKETS, "markets",
                cursor=lambda _rows, _s=s: CursorUpdate(SOURCE, "markets", stamp, _s),
            )  # fmt: skip
    finally:
        c.close()
    return result


def get_cursor_safe(ctx: SyncContext, stream: str, scope: str = "") -> str | None:
    with ctx.connect() as conn:
        return get_cursor(conn, SOURCE, stream, scope)


def _since(ctx: SyncContext, stream: str) -> datetime:
    stored = get_cursor_safe(ctx, stream)
    if stored is None:
        return ctx.settings.config.sync_start
    return datetime.fromisoformat(stored) - OVERLAP


def _time_cursor(stream: str, column: str, previous: datetime):
    def update(rows: list[dict]) -> CursorUpdate:
        latest = max([r[column] for r in rows if r.get(column)] + [previous])
        return CursorUpdate(SOURCE, stream, latest.isoformat())

    return update


def sync_fills(ctx: SyncContext) -> SyncResult:
    account = account_of(ctx)
    result = SyncResult(SOURCE, "fills")
    since = _since(ctx, "fills")
    c = client(ctx)
    try:
        cutoff = c.cutoff()

        def parse(raw: dict) -> dict:
            return fill_row(Fill.model_validate(raw), account)

        floor = since
        if since < cutoff.trades_created:  # older fills only exist under /historical/fills
            pages = c.fills(since, historical=True)
            _load_pages(ctx, result, pages, "fills", parse, t.FILLS, "fills")
            floor = cutoff.trades_created  # history before the cutoff is final and now stored
        _load_pages(
            ctx, result, c.fills(since), "fills", parse, t.FILLS, "fills",
            cursor=_time_cursor("fills", "executed_at", floor),
        )  # fmt: skip
    finally:
        c.close()
    return result


OPEN_ORDERS = """
    select order_id from (
        select distinct on (order_id) order_id, status
        from ledger.kalshi_order_observations where account = %s
        order by order_id, observed_at desc
    ) latest where status in ('resting', 'partial') order by order_id
"""


def sync_orders(ctx: SyncContext) -> SyncResult:
    """Every own order created since the cursor (history under /historical/orders on the first
    sync), one observation per changed state; then each order stored as still open that this
    sync did not see is read by id. The docs do not say whether `min_ts` filters on creation or
    last update, so an old resting order's cancel is caught either way."""
    account = account_of(ctx)
    result = SyncResult(SOURCE, "orders")
    since = _since(ctx, "orders")
    observed_at = ctx.now()
    c = client(ctx)
    try:
        cutoff = c.cutoff()

        def parse(raw: dict) -> dict:
            return order_row(Order.model_validate(raw), account, observed_at)

        seen: list[dict] = []
        floor = since
        if cutoff.orders_updated and since < cutoff.orders_updated:
            pages = c.orders(since, historical=True)
            seen += _load_pages(ctx, result, pages, "orders", parse, t.ORDERS, "orders")
            floor = max(since, cutoff.orders_updated - OVERLAP)
        seen += _load_pages(
            ctx, result, c.orders(since), "orders", parse, t.ORDERS, "orders",
            cursor=_time_cursor("orders", "created_at", floor),
        )  # fmt: skip
        _refresh_open_orders(ctx, c, result, {r["order_id"] for r in seen}, account, parse)
    finally:
        c.close()
    return result


def _refresh_open_orders(ctx, c: KalshiClient, result: SyncResult, seen, account, parse) -> None:
    with ctx.connect() as conn:
        stale = [r[0] for r in conn.execute(OPEN_ORDERS, (account,)) if r[0] not in seen]
        for order_id in stale:
            try:
                page = c.order(order_id)
            except VenueError as exc:  # e.g. moved to history: tried again next sync
                ctx.log.warning("kalshi order %s could not be re-read: %s", order_id, exc)
                result.notes.append(f"order {order_id} not re-read: {exc}")
                continue
            rows, bad = partition(
                [(page.payload or {}).get("order")], parse, source=SOURCE, stream="orders",
                page_id=page.page_id,
            )  # fmt: skip
            result.add(load(conn, t.ORDERS, rows, page_id=page.page_id, rejects=bad))


def sync_settlements(ctx: SyncContext) -> SyncResult:
    account = account_of(ctx)
    result = SyncResult(SOURCE, "settlements")
    since = _since(ctx, "settlements")
    c = client(ctx)
    try:

        def parse(raw: dict) -> dict:
            return settlement_row(Settlement.model_validate(raw), account)

        _load_pages(
            ctx, result, c.settlements(since), "settlements", parse, t.SETTLEMENTS,
            "settlements", cursor=_time_cursor("settlements", "settled_at", since),
        )  # fmt: skip
    finally:
        c.close()
    return result


def sync_positions(ctx: SyncContext) -> SyncResult:
    """A complete snapshot; a previously open position it no longer lists gets a closing
    zero-quantity observation (docs/architecture.md, dbt section)."""
    account = account_of(ctx)
    result = SyncResult(SOURCE, "positions")
    observed_at = ctx.now()
    c = client(ctx)
    try:

        def parse(raw: dict) -> dict:
            return position_row(MarketPosition.model_validate(raw), account, observed_at)

        rows = _load_pages(
            ctx, result, c.positions(), "market_positions", parse, t.POSITIONS, "positions"
        )
    finally:
        c.close()
    held = {(r["ticker"], r["outcome"]) for r in rows if r["quantity"] != 0}
    with ctx.connect() as conn:
        open_before = conn.execute(
            """
            select ticker, outcome from (
                select distinct on (ticker, outcome) ticker, outcome, quantity
                from ledger.kalshi_position_observations where account = %s
                order by ticker, outcome, observed_at desc
            ) latest where quantity <> 0
            """,
            (account,),
        ).fetchall()
        gone = [
            closed_position_row(account, ticker, outcome, observed_at)
            for ticker, outcome in open_before
            if (ticker, outcome) not in held
        ]
        if gone:
            closed = load(conn, t.POSITIONS, gone)
            result.inserted += closed.inserted
    return result


def sync_balance(ctx: SyncContext) -> SyncResult:
    account = account_of(ctx)
    result = SyncResult(SOURCE, "balance")
    observed_at = ctx.now()
    c = client(ctx)
    try:
        page = c.balance()
    finally:
        c.close()

    def parse(raw: dict) -> dict:
        return balance_row(Balance.model_validate(raw), account, observed_at)

    rows, bad = partition(
        [page.payload], parse, source=SOURCE, stream="balance", page_id=page.page_id
    )
    with ctx.connect() as conn:
        result.add(load(conn, t.BALANCES, rows, page_id=page.page_id, rejects=bad))
    return result
