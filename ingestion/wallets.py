"""Tracked-wallet bookkeeping shared by every wallet source (Polymarket, Hyperliquid, EVM).

Plain functions on a psycopg connection, so any source's sync and the Dagster sensors use them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import psycopg

from ingestion.http.paginate import Truncation

if TYPE_CHECKING:
    from ingestion.sync import SyncResult


def wallets_lacking_cursor(
    conn: psycopg.Connection, source: str, stream: str, wallets: Iterable[str]
) -> list[str]:
    """Configured wallets (lowercased) that `source.stream` has never synced: they need a
    backfill from sync_start. A stream keeps one ops.cursors row per wallet (scope = wallet)."""
    wanted = sorted({w.lower() for w in wallets})
    if not wanted:
        return []
    rows = conn.execute(
        "select scope from ops.cursors where source = %s and stream = %s and scope = any(%s)",
        (source, stream, wanted),
    ).fetchall()
    done = {r[0] for r in rows}
    return [w for w in wanted if w not in done]


def record_truncation(
    conn: psycopg.Connection,
    *,
    source: str,
    wallet: str,
    stream: str,
    reason: str,
    oldest_reached_at: datetime | None,
) -> None:
    """The venue would not serve this wallet's complete history: say so (warning check)."""
    conn.execute(
        """
        insert into ops.wallet_history_truncations
            (source, wallet, stream, reason, oldest_reached_at)
        values (%s, %s, %s, %s, %s)
        on conflict (source, wallet, stream) do update
            set reason = excluded.reason, oldest_reached_at = excluded.oldest_reached_at,
                detected_at = now()
        """,
        (source, wallet.lower(), stream, reason, oldest_reached_at),
    )


def report_truncations(
    conn: psycopg.Connection,
    log: logging.Logger | logging.LoggerAdapter,
    result: SyncResult,
    *,
    source: str,
    wallet: str,
    stream: str,
    cuts: Sequence[Truncation],
) -> None:
    """Record what the pager reported as out of reach for one wallet's stream (one row in
    ops.wallet_history_truncations, committed now), warn, and add a note to the run's result.
    Nothing to say when nothing was cut."""
    if not cuts:
        return
    reason = "; ".join(dict.fromkeys(cut.reason for cut in cuts))
    reached = [cut.oldest_reached_at for cut in cuts if cut.oldest_reached_at is not None]
    record_truncation(
        conn,
        source=source,
        wallet=wallet,
        stream=stream,
        reason=reason,
        oldest_reached_at=min(reached) if reached else None,
    )
    conn.commit()
    note = f"history of {wallet} truncated ({stream}): {reason}"
    log.warning(note)
    result.notes.append(note)


def truncated_wallets(conn: psycopg.Connection, source: str) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in conn.execute(
            "select wallet, stream, reason from ops.wallet_history_truncations "
            "where source = %s order by wallet, stream",
            (source,),
        ).fetchall()
    ]


def wallet_sources(polymarket: bool, hyperliquid: bool, evm_chains: Iterable[int]) -> list[str]:
    """The core.wallet_events `source` values a configured wallet is synced from."""
    out = ["polymarket"] if polymarket else []
    out += ["hyperliquid"] if hyperliquid else []
    return out + [f"evm:{chain}" for chain in sorted(set(evm_chains))]


def record_tracked_wallets(
    conn: psycopg.Connection, wallets: Iterable, *, sync_start: datetime | None = None
) -> tuple[int, int]:
    """Write the configured wallets (settings TrackedWallet models) to ops.tracked_wallets:
    label, tags and sources as configured now, first_tracked_at kept, addresses no longer in
    the file marked untracked. Returns (tracked, untracked) counts. Commits.

    `watched_from` is set once, when an address is first written (or first written since the
    column exists): the earlier of now and `sync_start`, the instant a first sync backfills
    from. A later change of sync_start does not move it (existing cursors are not re-read)."""
    rows = [
        (
            w.address.lower(),
            w.label,
            list(dict.fromkeys(w.tags)),
            wallet_sources(w.polymarket, w.hyperliquid, w.evm_chains),
        )
        for w in wallets
    ]
    with conn.transaction():
        for address, label, tags, sources in rows:
            conn.execute(
                """
                insert into ops.tracked_wallets (address, label, tags, sources, watched_from)
                values (%s, %s, %s, %s, least(now(), %s::timestamptz))
                on conflict (address) do update set
                    label = excluded.label, tags = excluded.tags, sources = excluded.sources,
                    watched_from = coalesce(ops.tracked_wallets.watched_from,
                                            excluded.watched_from),
                    untracked_at = null, updated_at = now()
                """,
                (address, label, tags, sources, sync_start),
            )
        gone = conn.execute(
            "update ops.tracked_wallets set untracked_at = now(), updated_at = now() "
            "where untracked_at is null and not (address = any(%s))",
            ([r[0] for r in rows],),
        ).rowcount
    return len(rows), gone
