"""ESPN stream `games`: every game of each configured league, appended when its state changes.

Requests per league and run:
1. the current scoreboard (what ESPN shows now: the freshest live state);
2. whole calendar months from the league's cursor (first run: `sync_start`) through a week
   ahead, as `dates=YYYYMMDD-YYYYMMDD` ranges; after the first run that is one or two months.
Month-aligned ranges keep requests few and identical for the same day (the demo replays them).
A game seen on several pages in one run is loaded once (the first, i.e. the freshest, wins).
The cursor moves to two days ago, or to the start of the oldest game still live.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.espn import SOURCE
from ingestion.espn.client import EspnClient, league_path, league_slug, make_client
from ingestion.espn.models import Event
from ingestion.espn.normalize import LIVE, game_row
from ingestion.espn.tables import GAMES
from ingestion.http.client import Page
from ingestion.loader import load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult

LOOKBACK = timedelta(days=2)  # late games and stat corrections settle within this
LOOKAHEAD = timedelta(days=7)  # upcoming games: markets open about a week ahead


def months(start: date, end: date) -> list[tuple[date, date]]:
    """Whole calendar months covering start..end, as (first day, last day)."""
    spans = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        spans.append((first, following - timedelta(days=1)))
        first = following
    return spans


def sync_games(ctx: SyncContext) -> SyncResult:
    leagues = ctx.settings.config.games.espn.leagues
    if not leagues:
        raise SourceSkipped(
            "games.espn.leagues is empty in tradelake.yaml: add e.g. `football/nfl` to sync games"
        )
    for league in leagues:
        league_path(league)  # a malformed entry fails before any request, naming the fix
    result = SyncResult(SOURCE, "games")
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander)
    try:
        for league in leagues:
            _sync_league(ctx, client, league, result)
    finally:
        client.close()
    return result


def _pages(client: EspnClient, league: str, since: date, until: date) -> Iterator[Page]:
    yield client.current(league)
    for first, last in months(since, until):
        yield from client.between(league, first, last)


def _sync_league(ctx: SyncContext, client: EspnClient, league: str, result: SyncResult) -> None:
    now = ctx.now()
    slug = league_slug(league)
    with ctx.connect() as conn:
        stored = get_cursor(conn, SOURCE, "games", league)
    since = ctx.settings.config.sync_start.date() if stored is None else date.fromisoformat(stored)
    seen: set[str] = set()
    oldest_live = (now - LOOKBACK).date()

    def parse(raw: dict) -> list[dict]:
        row = game_row(Event.model_validate(raw), slug, now)
        if row["game_id"] in seen:
            return []
        seen.add(row["game_id"])
        return [row]

    with ctx.connect() as conn:
        for page in _pages(client, league, since, (now + LOOKAHEAD).date()):
            rows, bad = partition(
                page.payload["events"], parse, source=SOURCE, stream="games", page_id=page.page_id
            )
            for row in rows:
                if row["status"] in LIVE:
                    oldest_live = min(oldest_live, row["start_time"].date())
            result.add(load(conn, GAMES, rows, page_id=page.page_id, rejects=bad))
        cursor = CursorUpdate(SOURCE, "games", oldest_live.isoformat(), league)
        result.add(load(conn, GAMES, [], cursor=cursor), pages=0)
