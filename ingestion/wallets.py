"""Tracked-wallet bookkeeping shared by every wallet source (Polymarket, Hyperliquid, EVM).

Plain functions on a psycopg connection, so any source's sync and the Dagster sensors use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import psycopg


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


def truncated_wallets(conn: psycopg.Connection, source: str) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in conn.execute(
            "select wallet, stream, reason from ops.wallet_history_truncations "
            "where source = %s order by wallet, stream",
            (source,),
        ).fetchall()
    ]
