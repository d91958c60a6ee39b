"""Which games need fast polling: live ones, and scheduled ones about to start."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from ingestion.espn.normalize import LIVE

SOON = timedelta(minutes=15)
STALE = timedelta(hours=8)  # a "scheduled" game this far past its start is ESPN lagging, not live

LATEST = """
select league, game_id, status, start_time
from (
    select distinct on (league, game_id) league, game_id, status, start_time
    from ledger.espn_game_observations
    where start_time between %(from)s and %(to)s
    order by league, game_id, observed_at desc
) latest
where status = any(%(live)s) or status = 'scheduled'
order by start_time, league, game_id
"""


def games_to_watch(conn: psycopg.Connection, now: datetime) -> list[str]:
    """`league:game_id` of every game in progress or starting within SOON."""
    rows = conn.execute(
        LATEST, {"from": now - STALE, "to": now + SOON, "live": list(LIVE)}
    ).fetchall()
    return [f"{league}:{game_id}" for league, game_id, _status, _start in rows]
