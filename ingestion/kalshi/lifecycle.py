"""Which markets still need watching: past their close time but not settled yet, and which
settled since a given moment (so the operator's settlements are fetched right away).

Plain SQL over the market ledger; the Dagster sensor (orchestration/defs/kalshi/sensors.py)
only turns the answers into run requests.
"""

from __future__ import annotations

from datetime import datetime

import psycopg

LATEST = """
select distinct on (ticker) ticker, status, close_time, loaded_at
from ledger.kalshi_market_observations
order by ticker, observed_at desc
"""


def awaiting_settlement(conn: psycopg.Connection, now: datetime) -> list[str]:
    """Markets whose trading has ended (closed, or open with a close time in the past) and
    whose latest observation is not settled: keep refreshing them."""
    rows = conn.execute(
        f"select ticker from ({LATEST}) latest "
        "where status <> 'settled' and (status = 'closed' or close_time <= %s) order by ticker",
        (now,),
    ).fetchall()
    return [r[0] for r in rows]


def settled_since(
    conn: psycopg.Connection, since: datetime | None
) -> tuple[list[str], datetime | None]:
    """Markets whose settled observation was loaded after `since`, and the newest load time."""
    rows = conn.execute(
        f"select ticker, loaded_at from ({LATEST}) latest where status = 'settled' "
        "and (%s::timestamptz is null or loaded_at > %s) order by loaded_at",
        (since, since),
    ).fetchall()
    return [r[0] for r in rows], (rows[-1][1] if rows else since)
