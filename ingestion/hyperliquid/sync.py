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

Own positions (clearinghouseState of accounts.hyperliquid.addresses, a snapshot per run, no
cursor): each position a row when it changed, the account summary (equity) likewise; a position
held before and absent now is recorded flat. Own funding (userFunding, cursor scope = address):
the time in ms up to which every payment is loaded, paged like the fills.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.http.paginate import Truncation
from ingestion.hyperliquid import SOURCE
from ingestion.hyperliquid import tables as t
from ingestion.hyperliquid.client import HOUR_MS, HyperliquidClient, fill_time_ms, make_client
from ingestion.hyperliquid.models import (
    Candle,
    ClearinghouseState,
    Fill,
    HistoricalOrder,
    SpotMeta,
    UserFunding,
)
from ingestion.hyperliquid.normalize import (
    account_row,
    candle_row,
    equity_row,
    fill_row,
    flat_row,
    funding_row,
    order_row,
    position_row,
)
from ingestion.loader import LedgerTable, load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wallets import report_truncations
from ingestion.wire import epoch_ms_from_datetime, optional_datetime_from_epoch_ms


def own_accounts(ctx: SyncContext) -> list[str]:
    return list(dict.fromkeys(ctx.settings.config.accounts.hyperliquid.addresses))


def tracked_wallets(ctx: SyncContext) -> list[str]:
    return list(dict.fromkeys(w.address for w in ctx.settings.config.wallets if w.hyperliquid))


def spot_symbols(client: HyperliquidClient, result: SyncResult) -> dict[str, str]:
    """Readable names of spot pairs, fetched once per run (its raw page is landed like any)."""
    page = client.spot_meta()
    result.pages += 1
    return SpotMeta.model_validate(page.payload).symbols()


def _required_accounts(ctx: SyncContext) -> list[str]:
    accounts = own_accounts(ctx)
    if not accounts:
        raise SourceSkipped("accounts.hyperliquid.addresses is empty in tradelake.yaml")
    return accounts


def _required_wallets(ctx: SyncContext) -> list[str]:
    wallets = tracked_wallets(ctx)
    if not wallets:
        raise SourceSkipped("no wallet in tradelake.yaml has `hyperliquid: true`")
    return wallets


def _for_each(
    ctx: SyncContext,
    stream: str,
    items: list[str],
    sync_one: Callable[..., None],
    client_kw: dict[str, Any],
    prepare: Callable[[HyperliquidClient, SyncResult], Any] | None = None,
) -> SyncResult:
    """One client and one connection for the run: `sync_one(conn, client, result, item)` for
    each item (an address, a coin) in turn; `prepare(client, result)`, if given, runs first and
    its value is passed on as a fifth argument."""
    result = SyncResult(SOURCE, stream)
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        extra = () if prepare is None else (prepare(client, result),)
        with ctx.connect() as conn:
            for item in items:
                sync_one(conn, client, result, item, *extra)
    finally:
        client.close()
    return result


def sync_fills(ctx: SyncContext, **client_kw) -> SyncResult:
    accounts = _required_accounts(ctx)
    return _sync(ctx, "fills", t.FILLS, "account", accounts, **client_kw)


def sync_wallet_fills(ctx: SyncContext, **client_kw) -> SyncResult:
    wallets = _required_wallets(ctx)
    return _sync(ctx, "wallet_fills", t.WALLET_FILLS, "wallet", wallets, **client_kw)


def sync_wallet_equity(ctx: SyncContext, **client_kw) -> SyncResult:
    """Each tracked wallet's perp account summary now (marginSummary.accountValue = its equity,
    the denominator of core.wallet_events.size_fraction). One request per wallet; a malformed
    answer is quarantined with its reason and the other wallets still load."""
    wallets = _required_wallets(ctx)

    def one(conn, client, result, wallet: str) -> None:
        observed_at = ctx.now()
        page = client.clearinghouse_state(wallet)

        def parse(raw):
            return equity_row(ClearinghouseState.model_validate(raw), wallet, observed_at)

        rows, bad = partition(
            [page.payload], parse, source=SOURCE, stream="wallet_equity", page_id=page.page_id
        )
        result.add(load(conn, t.WALLET_EQUITY, rows, page_id=page.page_id, rejects=bad))

    return _for_each(ctx, "wallet_equity", wallets, one, client_kw)


def _sync(
    ctx: SyncContext,
    stream: str,
    table: LedgerTable,
    column: str,
    addresses: list[str],
    **client_kw,
) -> SyncResult:
    def one(conn, client, result, address: str, symbols: dict[str, str]) -> None:
        _sync_address(ctx, conn, client, result, stream, table, column, address, symbols)

    return _for_each(ctx, stream, addresses, one, client_kw, prepare=spot_symbols)


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
    return _for_each(ctx, "candles", coins, partial(_sync_coin_candles, ctx), client_kw)


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


def sync_positions(ctx: SyncContext, **client_kw) -> SyncResult:
    """Each own account's perp positions now (one clearinghouseState per address). A position
    the parser refuses (e.g. `szi` not a number) is quarantined with its reason and its
    page-mates load. The summary in the same answer is the accounts stream's (sync_accounts)."""
    accounts = _required_accounts(ctx)
    one = partial(_sync_account_positions, ctx)
    return _for_each(ctx, "positions", accounts, one, client_kw)


def _held_coins(conn, account: str) -> set[str]:
    """Coins whose latest stored observation for `account` is a position not flat."""
    rows = conn.execute(
        "select coin from (select distinct on (coin) coin, szi from "
        "ledger.hyperliquid_position_observations where account = %s "
        "order by coin, observed_at desc) latest where szi <> 0",
        (account.lower(),),
    ).fetchall()
    return {r[0] for r in rows}


def _sync_account_positions(ctx, conn, client, result, account: str) -> None:
    observed_at = ctx.now()
    page = client.clearinghouse_state(account)
    payload = page.payload if isinstance(page.payload, dict) else {}
    try:
        venue_time = optional_datetime_from_epoch_ms(payload.get("time"))
    except ValueError:
        venue_time = None  # kept outside the version: an odd clock costs no position
    listed = payload.get("assetPositions")
    listed = listed if isinstance(listed, list) else []

    def parse(raw, _a=account, _vt=venue_time, _at=observed_at):
        return position_row(raw, _a, _vt, _at)

    rows, bad = partition(listed, parse, source=SOURCE, stream="positions", page_id=page.page_id)
    if isinstance(payload.get("assetPositions"), list):
        # Only a readable answer can close a position; a coin whose entry was refused is
        # still listed (its state unknown), so it is not recorded flat either.
        seen = {
            (item.get("position") or {}).get("coin") for item in listed if isinstance(item, dict)
        }
        for coin in sorted(_held_coins(conn, account) - seen):
            rows.append(flat_row(account, coin, venue_time, observed_at))
    result.add(load(conn, t.POSITION_OBSERVATIONS, rows, page_id=page.page_id, rejects=bad))


def sync_accounts(ctx: SyncContext, **client_kw) -> SyncResult:
    """Each own account's perp summary now (clearinghouseState marginSummary: accountValue is
    its equity, withdrawable its free cash), a row when it changed; a malformed answer is
    quarantined with its reason and the other accounts still load."""
    accounts = _required_accounts(ctx)

    def one(conn, client, result, account: str) -> None:
        observed_at = ctx.now()
        page = client.clearinghouse_state(account)

        def parse(raw):
            return account_row(raw, account, observed_at)

        rows, bad = partition(
            [page.payload], parse, source=SOURCE, stream="accounts", page_id=page.page_id
        )
        table = t.ACCOUNT_OBSERVATIONS
        result.add(load(conn, table, rows, page_id=page.page_id, rejects=bad))

    return _for_each(ctx, "accounts", accounts, one, client_kw)


def sync_funding(ctx: SyncContext, **client_kw) -> SyncResult:
    """Own funding payments since each address's cursor (first run: sync_start)."""
    accounts = _required_accounts(ctx)
    return _for_each(ctx, "funding", accounts, partial(_sync_account_funding, ctx), client_kw)


def _sync_account_funding(ctx, conn, client, result, account: str) -> None:
    cursor = get_cursor(conn, SOURCE, "funding", account)
    start = int(cursor) + 1 if cursor else epoch_ms_from_datetime(ctx.settings.config.sync_start)
    end = epoch_ms_from_datetime(ctx.now())
    done = start - 1

    def parse(raw, _a=account):
        return funding_row(UserFunding.model_validate(raw), _a)

    for page in client.funding(account, start, end):
        rows, bad = partition(
            page.payload, parse, source=SOURCE, stream="funding", page_id=page.page_id
        )
        times = [ms for ms in map(fill_time_ms, page.payload) if ms is not None]
        if times:
            full = len(page.payload) >= client.funding_cap
            done = max(done, max(times) - 1 if full else max(times))
        cur = CursorUpdate(SOURCE, "funding", str(done), account)
        result.add(load(conn, t.FUNDING, rows, page_id=page.page_id, rejects=bad, cursor=cur))


ORDERS_CAP = 2000  # historicalOrders: "at most 2000 most recent historical orders"


def sync_orders(ctx: SyncContext, **client_kw) -> SyncResult:
    accounts = _required_accounts(ctx)

    def one(conn, client, result, address: str) -> None:
        observed_at = ctx.now()
        page = client.historical_orders(address)

        def parse(raw: dict) -> dict:
            return order_row(HistoricalOrder.model_validate(raw), address, observed_at)

        rows, bad = partition(
            page.payload, parse, source=SOURCE, stream="orders", page_id=page.page_id
        )
        if len(page.payload) >= ORDERS_CAP:
            result.notes.append(
                f"hyperliquid historicalOrders of {address} answered {ORDERS_CAP} "
                "orders, the venue's cap: older orders' later states are out of reach"
            )
        result.add(load(conn, t.ORDERS, rows, page_id=page.page_id, rejects=bad))

    return _for_each(ctx, "orders", accounts, one, client_kw)
