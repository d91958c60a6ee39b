"""Hyperliquid streams: own fills (accounts.hyperliquid.addresses) and tracked-wallet fills
(`wallets` entries with `hyperliquid: true`), both read from userFillsByTime forward from a
cursor; and tracked-wallet equity (clearinghouseState, a snapshot per run, no cursor).

Cursor (ops.cursors, scope = address): the time in ms up to which every fill has been loaded.
A page that is full may have cut a millisecond in two, so its batch commits `newest - 1`; the
last (short) page proves everything up to its newest fill arrived, so it commits `newest`. The
next run starts at cursor + 1: resumable after a crash, nothing read twice needlessly, and the
loader's natural key (address, tid) turns any re-read into a no-op.

Orders (accounts.hyperliquid.addresses): historicalOrders once per address and run (the 2000
most recent orders, no paging), an observation kept per order when its state changed; the
venue's statusTimestamp is content outside the version.

Candles (markets.hyperliquid.coins, cursor scope = coin): the open time (ms) of the first hour
not yet seen closed. Each run asks from there to now, so the still-open hour is read again until
it has closed; observation mode keeps a version only when the candle changed.
"""

from __future__ import annotations

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.http.paginate import Truncation
from ingestion.hyperliquid import SOURCE
from ingestion.hyperliquid import tables as t
from ingestion.hyperliquid.client import HOUR_MS, HyperliquidClient, fill_time_ms, make_client
from ingestion.hyperliquid.models import Candle, ClearinghouseState, Fill, HistoricalOrder, SpotMeta
from ingestion.hyperliquid.normalize import candle_row, equity_row, fill_row, order_row
from ingestion.loader import LedgerTable, load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wallets import report_truncations
from ingestion.wire import epoch_ms_from_datetime


def own_accounts(ctx: SyncContext) -> list[str]:
    return list(dict.fromkeys(ctx.settings.config.accounts.hyperliquid.addresses))


def tracked_wallets(ctx: SyncContext) -> list[str]:
    return list(dict.fromkeys(w.address for w in ctx.settings.config.wallets if w.hyperliquid))


def spot_symbols(client: HyperliquidClient, result: SyncResult) -> dict[str, str]:
    """Readable names of spot pairs, fetched once per run (its raw page is landed like any)."""
    page = client.spot_meta()
    result.pages += 1
    return SpotMeta.model_validate(page.payload).symbols()


def sync_fills(ctx: SyncContext, **client_kw) -> SyncResult:
    accounts = own_accounts(ctx)
    if not accounts:
        raise SourceSkipped("accounts.hyperliquid.addresses is empty in tradelake.yaml")
    return _sync(ctx, "fills", t.FILLS, "account", accounts, **client_kw)


def sync_wallet_fills(ctx: SyncContext, **client_kw) -> SyncResult:
    wallets = tracked_wallets(ctx)
    if not wallets:
        raise SourceSkipped("no wallet in tradelake.yaml has `hyperliquid: true`")
    return _sync(ctx, "wallet_fills", t.WALLET_FILLS, "wallet", wallets, **client_kw)


def sync_wallet_equity(ctx: SyncContext, **client_kw) -> SyncResult:
    """Each tracked wallet's perp account summary now (marginSummary.accountValue = its equity,
    the denominator of core.wallet_events.size_fraction). One request per wallet; a malformed
    answer is quarantined with its reason and the other wallets still load."""
    wallets = tracked_wallets(ctx)
    if not wallets:
        raise SourceSkipped("no wallet in tradelake.yaml has `hyperliquid: true`")
    result = SyncResult(SOURCE, "wallet_equity")
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        with ctx.connect() as conn:
            for wallet in wallets:
                observed_at = ctx.now()
                page = client.clearinghouse_state(wallet)

                def parse(raw, _w=wallet, _at=observed_at):
                    return equity_row(ClearinghouseState.model_validate(raw), _w, _at)

                rows, bad = partition(
                    [page.payload], parse, source=SOURCE, stream="wallet_equity",
                    page_id=page.page_id,
                )  # fmt: skip
                result.add(load(conn, t.WALLET_EQUITY, rows, page_id=page.page_id, rejects=bad))
    finally:
        client.close()
    return result


def _sync(
    ctx: SyncContext,
    stream: str,
    table: LedgerTable,
    column: str,
    addresses: list[str],
    **client_kw,
) -> SyncResult:
    result = SyncResult(SOURCE, stream)
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        symbols = spot_symbols(client, result)
        with ctx.connect() as conn:
            for address in addresses:
                _sync_address(ctx, conn, client, result, stream, table, column, address, symbols)
    finally:
        client.close()
    return result


def _sync_address(ctx, conn, client, result, stream, table, column, address, symbols) -> None:
    cursor = get_cursor(conn, SOURCE, stream, address)
    start = int(cursor) + 1 if cursor else epoch_ms_from_datetime(ctx.settings.config.sync_start)
    end = epoch_ms_from_datetime(ctx.now())
    done = start - 1  # every fill up to here is loaded
    cuts: list[Truncation] = []

    def parse(raw, _a=address):
        return fill_row(Fill.model_validate(raw), _a, symbols, column=column)

    for page in client.fills_by_time(address, start, end, cuts.append):
        rows, bad = partition(
            page.payload, parse, source=SOURCE, stream=stream, page_id=page.page_id
        )
        times = [ms for ms in map(fill_time_ms, page.payload) if ms is not None]
        if times:
            full = len(page.payload) >= client.page_cap
            done = max(done, max(times) - 1 if full else max(times))
        cur = CursorUpdate(SOURCE, stream, str(done), address)
        result.add(load(conn, table, rows, page_id=page.page_id, rejects=bad, cursor=cur))
    report_truncations(
        conn, ctx.log, result, source=SOURCE, wallet=address, stream=stream, cuts=cuts
    )


def sync_candles(ctx: SyncContext, **client_kw) -> SyncResult:
    """Hourly candles of every configured coin since its cursor (first run: sync_start)."""
    coins = list(ctx.settings.config.markets.hyperliquid.coins)
    if not coins:
        raise SourceSkipped("markets.hyperliquid.coins is empty in tradelake.yaml")
    result = SyncResult(SOURCE, "candles")
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        with ctx.connect() as conn:
            for coin in coins:
                _sync_coin_candles(ctx, conn, client, result, coin)
    finally:
        client.close()
    return result


def _hour_floor(ms: int) -> int:
    return ms - ms % HOUR_MS


def _sync_coin_candles(ctx, conn, client, result, coin: str) -> None:
    cursor = get_cursor(conn, SOURCE, "candles", coin)
    start = (
        int(cursor)
        if cursor
        else _hour_floor(epoch_ms_from_datetime(ctx.settings.config.sync_start))
    )
    observed_at = ctx.now()
    now_ms = epoch_ms_from_datetime(observed_at)
    # Every hour before the current one has ended, so its candle as read now is closed (T, its
    # last millisecond, is behind us): the cursor may pass it. The current hour is still open:
    # the cursor stops at its start, and the next run reads it again.
    current_hour = _hour_floor(now_ms)
    done = start

    def parse(raw, _coin=coin, _at=observed_at):
        return candle_row(Candle.model_validate(raw), _coin, _at)

    for window_end, page in client.candles(coin, start, now_ms + 1):
        rows, bad = partition(
            page.payload, parse, source=SOURCE, stream="candles", page_id=page.page_id
        )
        done = max(done, min(current_hour, window_end))
        cur = CursorUpdate(SOURCE, "candles", str(done), coin)
        result.add(load(conn, t.CANDLES, rows, page_id=page.page_id, rejects=bad, cursor=cur))


ORDERS_CAP = 2000  # historicalOrders: "at most 2000 most recent historical orders"


def sync_orders(ctx: SyncContext, **client_kw) -> SyncResult:
    accounts = own_accounts(ctx)
    if not accounts:
        raise SourceSkipped("accounts.hyperliquid.addresses is empty in tradelake.yaml")
    result = SyncResult(SOURCE, "orders")
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        with ctx.connect() as conn:
            for address in accounts:
                observed_at = ctx.now()
                page = client.historical_orders(address)

                def parse(raw: dict, address: str = address, at=observed_at) -> dict:
                    return order_row(HistoricalOrder.model_validate(raw), address, at)

                rows, bad = partition(
                    page.payload, parse, source=SOURCE, stream="orders", page_id=page.page_id
                )
                if len(page.payload) >= ORDERS_CAP:
                    result.notes.append(
                        f"hyperliquid historicalOrders of {address} answered {ORDERS_CAP} "
                        "orders, the venue's cap: older orders' later states are out of reach"
                    )
                result.add(load(conn, t.ORDERS, rows, page_id=page.page_id, rejects=bad))
    finally:
        client.close()
    return result
