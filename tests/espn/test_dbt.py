"""Real `dbt build` of the ESPN models into core.game_states and core.game_state_history."""

from __future__ import annotations

from datetime import timedelta

import psycopg

from ingestion.espn.sync import sync_games
from tests.dbt_runner import dbt_build
from tests.espn.conftest import NOW, recorded_events


def test_game_states_and_history(espn_ctx, fake, db_url, tmp_path):
    sync_games(espn_ctx())
    body = {"events": recorded_events("scoreboard_nfl_current.json")}
    halftime = next(e for e in body["events"] if e["id"] == "401773061")
    for place in (halftime["status"], halftime["competitions"][0]["status"]):
        place["type"] = {**place["type"], "name": "STATUS_FINAL", "state": "post",
                         "completed": True}  # fmt: skip
        place["period"] = 4
    fake.override[None] = body
    sync_games(espn_ctx(now=NOW + timedelta(hours=2)))

    done = dbt_build(db_url, tmp_path, "+game_states +game_state_history")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        q = conn.execute
        buf = q(
            "select league, home_team, away_team, home_score, away_score, period, status, "
            "completed, winner from core.game_states where game_id = '401772810'"
        ).fetchone()
        statuses = dict(q("select game_id, status from core.game_states").fetchall())
        pre = q(
            "select home_score, away_score, period, winner from core.game_states "
            "where status in ('scheduled', 'postponed', 'canceled')"
        ).fetchall()
        versions = q(
            "select status, home_score, away_score, winner, is_current, valid_to is null "
            "from core.game_state_history where game_id = '401773061' order by valid_from"
        ).fetchall()
    assert buf == ("nfl", "BUF", "KC", 27, 20, 4, "final", True, "BUF")
    assert len(statuses) == 12 and statuses["401773064"] == "postponed"
    assert pre and all(r == (None, None, None, None) for r in pre)
    # GB 14 - DET 10 at halftime, then final with GB the winner (scores unchanged in the test)
    assert versions == [
        ("halftime", 10, 14, None, False, False),
        ("final", 10, 14, "GB", True, True),
    ]
