"""Polymarket streams: markets, prices, own fills, tracked-wallet activity and positions value.

Each function follows the sync contract (docs/architecture.md): land every page, validate per
record (bad ones quarantined with the reason), load idempotently, cursor in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.http.paginate import Truncation, time_windows
from ingestion.loader import load
from ingestion.polymarket import SOURCE
from ingestion.polymarket import tables as t
from ingestion.polymarket.client import Clients, make_clients
from ingestion.polymarket.models import (
    DataActivity,
    DataTrade,
    DataValue,
    GammaMarket,
    PricePoint,
    value_entries,
)
from ingestion.polymarket.normalize import (
    activity_row,
    fill_row,
    market_rows,
    price_rows,
    trade_as_activity,
    value_row,
)
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wallets import report_truncations

OVERLAP = timedelta(hours=2)  # re-read a little: the Data API indexes trades with some lag
PRICE_WINDOW = timedelta(days=14)


def clients(ctx: SyncContext, **data_kw) -> Clients:
    return make_clients(ctx.settings, ctx.transport(SOURCE), ctx.lander, **data_kw)


# --- markets ---------------------------------------------------------------------------------


def _market_pages(c: Clients, slugs: list[str], tag_ids: list) -> Iterator[tuple[object, list]]:
    """(page, [(raw market, event slug)]) for every configured slug (as event or market slug)
    and tag id."""
    for slug in slugs:
        for page in c.gamma.events(slug=slug):
            items = []
            for event in (page.payload or {}).get("events") or []:
                items += [(m, event.get("slug")) for m in event.get("markets") or []]
            yield page, items
        for page in c.gamma.markets(slug=slug):
            yield page, [(m, None) for m in (page.payload or {}).get("markets") or []]
    for tag in tag_ids:
        for page in c.gamma.markets(tag_id=tag):
            yield page, [(m, None) for m in (page.payload or {}).get("markets") or []]


def sync_markets(ctx: SyncContext) -> SyncResult:
    cfg = ctx.settings.config.markets.polymarket
    if not cfg.slugs and not cfg.tag_ids:
        raise SourceSkipped("markets.polymarket has no slugs or tag_ids in tradelake.yaml")
    result = SyncResult(SOURCE, "markets")
    observed_at = ctx.now()
    seen: set[str] = set()
    c = clients(ctx)
    try:
        with ctx.connect() as conn:
            for page, items in _market_pages(c, cfg.slugs, cfg.tag_ids):
                fresh = [(m, ev) for m, ev in items if _first_time(m, seen)]

                def parse(item, _at=observed_at):
                    raw, event_slug = item
                    return market_rows(GammaMarket.model_validate(raw), _at, event_slug)

                rows, bad = partition(
                    fresh, parse, source=SOURCE, stream="markets", page_id=page.page_id
                )
                # quarantine the market itself, not our (market, event slug) pair
                bad[:] = [replace(b, payload=b.payload[0]) for b in bad]
                result.add(load(conn, t.MARKETS, rows, page_id=page.page_id, rejects=bad))
    finally:
        c.close()
    return result


def _first_time(raw: object, seen: set[str]) -> bool:
    """The same market arrives via its event and via its own slug: parse it once per sync."""
    key = str(raw.get("conditionId") or raw.get("id")) if isinstance(raw, dict) else repr(raw)
    if key in seen:
        return False
    seen.add(key)
    return True


# --- price history ---------------------------------------------------------------------------

TOKENS = """
select distinct on (token_id) token_id, condition_id, outcome, status, start_time, close_time
from ledger.polymarket_market_observations
order by token_id, observed_at desc
"""


def sync_prices(ctx: SyncContext) -> SyncResult:
    result = SyncResult(SOURCE, "prices")
    now = ctx.now()
    sync_start = ctx.settings.config.sync_start
    c = clients(ctx)
    try:
        with ctx.connect() as conn:
            tokens = conn.execute(TOKENS).fetchall()
            if not tokens:
                raise SourceSkipped(
                    "no Polymarket markets synced yet: run polymarket markets first"
                )
            for token_id, condition_id, outcome, status, start_time, close_time in tokens:
                cursor = get_cursor(conn, SOURCE, "prices", token_id)
                start = max(
                    sync_start, start_time - timedelta(days=1) if start_time else sync_start
                )
                if cursor:
                    start = max(start, datetime.fromtimestamp(int(cursor), UTC) - OVERLAP)
                # Only whole hourly buckets: the current one still moves and would conflict.
                end = now - timedelta(hours=1)
                if status != "open" and close_time is not None:
                    end = min(end, close_time + timedelta(days=2))
                if cursor and int(cursor) >= int(end.timestamp()):
                    continue  # a closed market's history is complete: nothing left to ask
                for a, b in time_windows(start, end, PRICE_WINDOW):
                    page = c.clob.prices_history(token_id, a, b)
                    points, bad = partition(
                        (page.payload or {}).get("history") or [],
                        PricePoint.model_validate,
                        source=SOURCE,
                        stream="prices",
                        page_id=page.page_id,
                    )
                    rows = price_rows(points, condition_id, outcome, token_id, a, b)
                    cur = CursorUpdate(SOURCE, "prices", str(int(b.timestamp())), token_id)
                    result.add(
                        load(conn, t.PRICES, rows, page_id=page.page_id, rejects=bad, cursor=cur)
                    )
    finally:
        c.close()
    return result


# --- own fills and tracked wallets -------------------------------------------------------------


def _window(conn, stream: str, wallet: str, ctx: SyncContext) -> tuple[datetime, datetime]:
    cursor = get_cursor(conn, SOURCE, stream, wallet)
    start = ctx.settings.config.sync_start
    if cursor:
        start = max(start, datetime.fromtimestamp(int(cursor), UTC) - OVERLAP)
    return start, ctx.now()


def sync_fills(ctx: SyncContext, **data_kw) -> SyncResult:
    accounts = ctx.settings.config.accounts.polymarket.addresses
    if not accounts:
        raise SourceSkipped("accounts.polymarket.addresses is empty in tradelake.yaml")
    result = SyncResult(SOURCE, "fills")
    c = clients(ctx, **data_kw)
    try:
        with ctx.connect() as conn:
            for account in accounts:
                start, end = _window(conn, "fills", account, ctx)
                cuts: list[Truncation] = []
                for page in c.data.trades(account, start, end, cuts.append):
                    rows, bad = partition(
                        page.payload or [],
                        lambda raw, a=account: fill_row(DataTrade.model_validate(raw), a),
                        source=SOURCE,
                        stream="fills",
                        page_id=page.page_id,
                    )
                    result.add(load(conn, t.FILLS, rows, page_id=page.page_id, rejects=bad))
                report_truncations(
                    conn, ctx.log, result, source=SOURCE, wallet=account, stream="fills", cuts=cuts
                )
                cur = CursorUpdate(SOURCE, "fills", str(int(end.timestamp())), account)
                load(conn, t.FILLS, [], cursor=cur)
    finally:
        c.close()
    return result


def tracked_wallets(ctx: SyncContext) -> list[str]:
    return [w.address for w in ctx.settings.config.wallets if w.polymarket]


def sync_wallet_activity(ctx: SyncContext, **data_kw) -> SyncResult:
    wallets = tracked_wallets(ctx)
    if not wallets:
        raise SourceSkipped("no wallet in tradelake.yaml has `polymarket: true`")
    result = SyncResult(SOURCE, "wallet_activity")
    c = clients(ctx, **data_kw)
    try:
        with ctx.connect() as conn:
            for wallet in wallets:
                start, end = _window(conn, "wallet_activity", wallet, ctx)
                cuts: list[Truncation] = []
                # /activity first (it carries usdcSize), then /trades for maker fills; a trade
                # seen through both has one event_key, so the second sighting is a no-op.
                streams = (
                    (
                        c.data.activity(wallet, start, end, cuts.append),
                        lambda raw, w=wallet: activity_row(DataActivity.model_validate(raw), w),
                    ),
                    (
                        c.data.trades(wallet, start, end, cuts.append),
                        lambda raw, w=wallet: activity_row(
                            trade_as_activity(DataTrade.model_validate(raw)), w, "trades"
                        ),
                    ),
                )
                for pages, parse in streams:
                    for page in pages:
                        rows, bad = partition(
                            page.payload or [],
                            parse,
                            source=SOURCE,
                            stream="wallet_activity",
                            page_id=page.page_id,
                        )
                        result.add(
                            load(conn, t.WALLET_ACTIVITY, rows, page_id=page.page_id, rejects=bad)
                        )
                report_truncations(
                    conn,
                    ctx.log,
                    result,
                    source=SOURCE,
                    wallet=wallet,
                    stream="wallet_activity",
                    cuts=cuts,
                )
                cur = CursorUpdate(SOURCE, "wallet_activity", str(int(end.timestamp())), wallet)
                load(conn, t.WALLET_ACTIVITY, [], cursor=cur)
    finally:
        c.close()
    return result


def sync_wallet_value(ctx: SyncContext, **data_kw) -> SyncResult:
    """Each tracked wallet's open-positions value now (GET /value): the denominator of
    core.wallet_events.size_fraction for its Polymarket trades. No cursor: a snapshot per run,
    stored only when it changed. A bad answer is quarantined; the other wallets still load."""
    wallets = tracked_wallets(ctx)
    if not wallets:
        raise SourceSkipped("no wallet in tradelake.yaml has `polymarket: true`")
    result = SyncResult(SOURCE, "wallet_value")
    c = clients(ctx, **data_kw)
    try:
        with ctx.connect() as conn:
            for wallet in wallets:
                observed_at = ctx.now()
                page = c.data.value(wallet)

                def parse(raw, _w=wallet, _at=observed_at):
                    return value_row(DataValue.model_validate(raw), _w, _at)

                rows, bad = partition(
                    value_entries(page.payload), parse, source=SOURCE, stream="wallet_value",
                    page_id=page.page_id,
                )  # fmt: skip
                if not rows and not bad:
                    result.notes.append(f"/value said nothing for {wallet} (empty answer)")
                result.add(load(conn, t.WALLET_VALUE, rows, page_id=page.page_id, rejects=bad))
    finally:
        c.close()
    return result
