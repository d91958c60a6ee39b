"""OKX account streams (signed, like fills): positions, balances and funding-fee bills.

Positions and balances are snapshots: one request each per run, an observation kept per
position (account, instId, mgnMode, posSide) or currency when its state changed. The version is
our clock (`observed_at`); OKX's `uTime` is kept as content outside the version hash, so a
changed state under an unchanged `uTime` is still a new version, and an unchanged one re-read
adds nothing. A position the complete snapshot no longer lists gets a closing row (pos 0).

Funding bills (type 8): a cursor (scope "") holds the newest bill seen and how far the last run
read (`synced_to`). A run reads from `sync_start` (first run) or `synced_to` minus an overlap:
/account/bills-archive (3 months) when that is older than 7 days, then /account/bills (7 days),
both backwards by billId `after`; a bill read from both is a no-op (key: account + billId).

Orders (per `accounts.okx.inst_types`): observations of each own order (a row when its state
changed; `uTime` is content outside the version). A cursor per instType (stream "orders") holds
how far the last run read (`synced_to`). The first run (or one whose mark is older than 7 days)
reads /trade/orders-history-archive from `sync_start` (3 months at most: said in the notes);
every run then reads all of /trade/orders-history (7 days, completed orders, whatever their
creation time: an order placed 8 days ago and canceled today is there), both backwards by ordId
`after`. An unchanged order re-read adds nothing.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.loader import load
from ingestion.okx import SOURCE
from ingestion.okx import tables as t
from ingestion.okx.client import OkxClient, make_client, next_order_after, rows_of
from ingestion.okx.models import Balance, Bill, Order, Position
from ingestion.okx.normalize import (
    balance_rows,
    closed_position_row,
    funding_bill_row,
    order_row,
    position_row,
)
from ingestion.okx.sync import _config, account_of, load_pages, within_reach
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult

ARCHIVE_WINDOW = timedelta(days=90)  # bills-archive: "data from the last 3 months"
RECENT_WINDOW = timedelta(days=7)  # bills: "data from the last 7 days"
MARGIN = timedelta(hours=1)
OVERLAP = timedelta(minutes=30)


def _signed_client(ctx: SyncContext, **client_kw) -> OkxClient:
    _config(ctx)  # accounts.okx.enabled
    return make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)


def sync_positions(ctx: SyncContext, **client_kw) -> SyncResult:
    result = SyncResult(SOURCE, "positions")
    c = _signed_client(ctx, **client_kw)
    try:
        account = account_of(c)
        observed_at = ctx.now()
        page = c.positions()
    finally:
        c.close()

    def parse(raw: dict) -> dict:
        return position_row(Position.model_validate(raw), account, observed_at)

    rows, bad = partition(
        rows_of(page.payload), parse, source=SOURCE, stream="positions", page_id=page.page_id
    )
    with ctx.connect() as conn:
        result.add(load(conn, t.POSITIONS, rows, page_id=page.page_id, rejects=bad))
        if bad:
            return result  # an unreadable position may be one we held: do not close anything
        held = {(r["inst_id"], r["mgn_mode"], r["pos_side"]) for r in rows}
        open_before = conn.execute(
            """
            select inst_id, inst_type, mgn_mode, pos_side from (
                select distinct on (inst_id, mgn_mode, pos_side)
                    inst_id, inst_type, mgn_mode, pos_side, pos
                from ledger.okx_position_observations where account = %s
                order by inst_id, mgn_mode, pos_side, observed_at desc
            ) latest where pos <> 0
            """,
            (account,),
        ).fetchall()
        gone = [
            closed_position_row(account, tuple(key), observed_at)
            for key in open_before
            if (key[0], key[2], key[3]) not in held
        ]
        if gone:
            result.inserted += load(conn, t.POSITIONS, gone).inserted
    return result


def sync_balances(ctx: SyncContext, **client_kw) -> SyncResult:
    result = SyncResult(SOURCE, "balances")
    c = _signed_client(ctx, **client_kw)
    try:
        account = account_of(c)
        observed_at = ctx.now()
        page = c.balance()
    finally:
        c.close()

    def parse(raw: dict) -> list[dict]:
        return balance_rows(Balance.model_validate(raw), account, observed_at)

    rows, bad = partition(
        rows_of(page.payload), parse, source=SOURCE, stream="balances", page_id=page.page_id
    )
    with ctx.connect() as conn:
        result.add(load(conn, t.BALANCES, rows, page_id=page.page_id, rejects=bad))
    return result


def _lower_bound(ctx: SyncContext, stored: dict | None) -> datetime:
    if stored is None:
        return ctx.settings.config.sync_start
    return datetime.fromisoformat(stored["synced_to"]) - OVERLAP


def sync_funding(ctx: SyncContext, **client_kw) -> SyncResult:
    result = SyncResult(SOURCE, "funding")
    c = _signed_client(ctx, **client_kw)
    try:
        account = account_of(c)
        now = ctx.now()
        with ctx.connect() as conn:
            value = get_cursor(conn, SOURCE, "funding", "")
        stored = json.loads(value) if value else None
        lower = _lower_bound(ctx, stored)
        lower = within_reach(ctx, result, lower, now - ARCHIVE_WINDOW, "funding bills", "bills")

        def parse(raw: dict) -> dict:
            return funding_bill_row(Bill.model_validate(raw), account)

        recent_floor = now - RECENT_WINDOW
        with ctx.connect() as conn:
            if lower < recent_floor + MARGIN:
                _load(conn, result, c.funding_bills(archive=True, begin=lower), parse, None)
            cursor = CursorUpdate(SOURCE, "funding", json.dumps({"synced_to": now.isoformat()}), "")
            pages = c.funding_bills(archive=False, begin=max(lower, recent_floor))
            _load(conn, result, pages, parse, cursor)
    finally:
        c.close()
    return result


def _load(conn, result: SyncResult, pages, parse, cursor: CursorUpdate | None) -> None:
    update = None if cursor is None else (lambda _rows: cursor)
    load_pages(conn, result, pages, parse, table=t.FUNDING_BILLS, stream="funding", cursor=update)


def sync_orders(ctx: SyncContext, **client_kw) -> SyncResult:
    inst_types = _config(ctx)
    result = SyncResult(SOURCE, "orders")
    c = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        account = account_of(c)
        for inst_type in inst_types:
            _sync_orders_of(ctx, c, account, inst_type, result)
    finally:
        c.close()
    return result


def _sync_orders_of(
    ctx: SyncContext, c: OkxClient, account: str, inst_type: str, result: SyncResult
) -> None:
    now = ctx.now()
    observed_at = now
    with ctx.connect() as conn:
        value = get_cursor(conn, SOURCE, "orders", inst_type)
    lower = _lower_bound(ctx, json.loads(value) if value else None)
    lower = within_reach(
        ctx, result, lower, now - ARCHIVE_WINDOW, f"{inst_type} orders", "order history"
    )

    def parse(raw: dict) -> dict:
        return order_row(Order.model_validate(raw), account, observed_at)

    cursor = CursorUpdate(SOURCE, "orders", json.dumps({"synced_to": now.isoformat()}), inst_type)
    with ctx.connect() as conn:
        if lower < now - RECENT_WINDOW + MARGIN:
            pages = c.orders(inst_type, archive=True, begin=lower)
            _load_orders(conn, result, pages, parse, None)
        _load_orders(conn, result, c.orders(inst_type, archive=False), parse, cursor)


def _load_orders(conn, result: SyncResult, pages, parse, cursor: CursorUpdate | None) -> None:
    update = None if cursor is None else (lambda _rows: cursor)
    load_pages(
        conn, result, pages, parse, table=t.ORDERS, stream="orders", cursor=update,
        next_page=next_order_after,
    )  # fmt: skip
