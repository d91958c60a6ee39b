"""Which markets still need watching: past their close time but not settled yet, and which
settled since a given moment (so the operator's settlements are fetched right away).

Plain SQL over the market ledger; the Dagster sensor (orchestration/defs/kalshi/sensors.py)
only turns the answers into run requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

LATEST = """
select distinct on (ticker) ticker, status, close_time, loaded_at
from ledger.kalshi_market_observations
order by ticker, observed_at desc
"""


# Kalshi determines a market within hours of its close; one still unsettled after a week
# (a disputed market, or a recorded one in the demo that never will be) is left to the regular
# markets schedule instead of a run every few minutes forever.
WATCH_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Awaiting:
    tickers: list[str]
    newest_close: datetime | None  # the most recent close among them: sets the refresh cadence

    def refresh_every(self, now: datetime) -> timedelta:
        """Every minute in the first hour after a close, every 15 minutes for the rest of the
        first day, hourly after that: how soon Kalshi usually settles, not a fixed minute."""
        age = now - self.newest_close if self.newest_close else WATCH_FOR
        if age < timedelta(hours=1):
            return timedelta(minutes=1)
        if age < timedelta(days=1):
            return timedelta(minutes=15)
        return timedelta(hours=1)


def awaiting_settlement(conn: psycopg.Connection, now: datetime) -> Awaiting:
    """Markets whose trading has ended (closed, or open with a close time in the past) within
    WATCH_FOR and whose latest observation is not settled: keep refreshing them."""
    rows = conn.execute(
        f"select ticker, close_time from ({LATEST}) latest "
        "where status <> 'settled' and (status = 'closed' or close_time <= %s) "
        "and coalesce(close_time, loaded_at) > %s order by ticker",
        (now, now - WATCH_FOR),
    ).fetchall()
    closes = [r[1] for r in rows if r[1] is not None and r[1] <= now]
    return Awaiting([r[0] for r in rows], max(closes) if closes else None)


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
