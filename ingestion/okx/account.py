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
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.loader import load
from ingestion.okx import SOURCE
from ingestion.okx import tables as t
from ingestion.okx.client import OkxClient, make_client, next_after, rows_of
from ingestion.okx.models import Balance, Bill, Position
from ingestion.okx.normalize import (
    balance_rows,
    closed_position_row,
    funding_bill_row,
    position_row,
)
from ingestion.okx.sync import _config, account_of
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
        floor = now - ARCHIVE_WINDOW
        if lower < floor:
            result.notes.append(
                f"okx funding bills before {floor:%Y-%m-%d} are out of reach: OKX serves 3 "
                f"months of bills (wanted from {lower:%Y-%m-%d})"
            )
            ctx.log.warning(result.notes[-1])
            lower = floor

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
    for page in pages:
        rows, bad = partition(
            rows_of(page.payload), parse, source=SOURCE, stream="funding", page_id=page.page_id
        )
        last = next_after(page.payload) is None
        update = cursor if last else None
        result.add(
            load(conn, t.FUNDING_BILLS, rows, page_id=page.page_id, rejects=bad, cursor=update)
        )
