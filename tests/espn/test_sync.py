"""The games stream end to end against the fake and a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from ingestion.errors import SourceSkipped
from ingestion.espn.live import games_to_watch
from ingestion.espn.sync import sync_games
from tests.espn.conftest import NOW, recorded_events


def latest(db_url: str) -> dict[str, tuple]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select distinct on (game_id) game_id, status, home_score, away_score "
            "from ledger.espn_game_observations order by game_id, observed_at desc"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def count(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        return conn.execute("select count(*) from ledger.espn_game_observations").fetchone()[0]


def test_first_sync_backfills_by_month_then_second_adds_nothing(espn_ctx, fake, db_url):
    result = sync_games(espn_ctx())
    # current scoreboard first (freshest), then every month from sync_start to a week ahead
    assert fake.dates()[0] is None
    assert fake.dates()[1:3] == ["20251101-20251130", "20251201-20251231"]
    assert fake.dates()[-1] == "20261101-20261130"  # a week ahead of 2026-11-23 is still November
    assert len(fake.dates()) == 1 + 13
    # 8 valid games on the current board + 2 in Nov 2025 + 2 more in Nov 2026 (the rest were seen)
    assert result.inserted == 12 and result.quarantined == 1
    games = latest(db_url)
    assert games["401772810"] == ("final", 27, 20)
    assert games["401773064"] == ("postponed", None, None)
    assert "401773066" not in games  # the malformed event is quarantined, its page-mates loaded

    again = sync_games(espn_ctx(now=NOW + timedelta(minutes=5)))
    assert again.inserted == 0 and count(db_url) == 12
    # the cursor moved to two days ago: only the current scoreboard and November are re-read
    assert fake.dates()[14:] == [None, "20261101-20261130"]


def test_a_changed_state_is_appended(espn_ctx, fake, db_url):
    sync_games(espn_ctx())
    body = {"events": recorded_events("scoreboard_nfl_current.json")}
    halftime = next(e for e in body["events"] if e["id"] == "401773061")
    for place in (halftime["status"], halftime["competitions"][0]["status"]):
        place["type"] = {
            **place["type"],
            "name": "STATUS_IN_PROGRESS",
            "description": "In Progress",
        }
        place["period"], place["displayClock"] = 3, "14:55"
    fake.override[None] = body
    result = sync_games(espn_ctx(now=NOW + timedelta(minutes=1)))
    assert result.inserted == 1
    with psycopg.connect(db_url) as conn:
        history = conn.execute(
            "select status, period from ledger.espn_game_observations "
            "where game_id = '401773061' order by observed_at"
        ).fetchall()
    assert history == [("halftime", 2), ("in_progress", 3)]


def test_quarantine_keeps_the_reason_and_the_page(espn_ctx, db_url):
    sync_games(espn_ctx())
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select stream, reason, payload->>'id', page_id is not null from ops.quarantine "
            "where source = 'espn'"
        ).fetchone()
        pages = conn.execute("select count(*) from raw.pages where source = 'espn'").fetchone()[0]
    assert row == (
        "games",
        "ValueError: expected one home and one away competitor, got 0 home / 1 away",
        "401773066",
        True,
    )
    assert pages == 14


def test_live_games_to_watch(espn_ctx, db_url):
    sync_games(espn_ctx())
    with psycopg.connect(db_url) as conn:
        live = games_to_watch(conn, NOW)
        later = games_to_watch(conn, NOW.replace(hour=23))
        before = games_to_watch(conn, NOW - timedelta(days=3))
    assert live == ["nfl:401773060", "nfl:401773061", "nfl:401773062", "nfl:401773065"]
    # 23:00: the Monday-night game (01:15 next day) is not yet within 15 minutes
    assert later == live
    assert before == []
    with psycopg.connect(db_url) as conn:
        soon = games_to_watch(conn, NOW.replace(day=24, hour=1, minute=5))
    assert "nfl:401773063" in soon


def test_missing_or_bad_config(sync_context):
    with pytest.raises(SourceSkipped, match=r"games\.espn\.leagues is empty"):
        sync_games(sync_context({"games": {"espn": {"leagues": []}}}))
    with pytest.raises(ValueError, match="<sport>/<league>"):
        sync_games(sync_context({"games": {"espn": {"leagues": ["nfl"]}}}))
