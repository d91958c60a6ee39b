"""ESPN site API scoreboard client.

`GET {ESPN_BASE_URL}/apis/site/v2/sports/{sport}/{league}/scoreboard` returns the current
scoreboard; `dates=YYYYMMDD` or `dates=YYYYMMDD-YYYYMMDD` returns the games of a day or a range;
`limit` caps the number of events (the API has no paging). The endpoint is public but
unofficial: nothing is promised about its shape, so every response is checked for the one thing we
rely on (an `events` list) before parsing, and a range that comes back full is split in two
instead of trusting that nothing was cut off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx

from ingestion.errors import VenueError
from ingestion.espn import SOURCE
from ingestion.http import RateLimiter, VenueHttp
from ingestion.http.client import Page, PageSink
from ingestion.http.paginate import day_range_pages
from ingestion.settings import Settings

# No documented limit: a handful per second, in bursts no bigger than a scoreboard page makes.
REQUESTS_PER_SECOND = 5.0
EVENT_LIMIT = 1000
LEAGUE_PATH = re.compile(r"^[a-z0-9-]+/[a-z0-9.-]+$")


def check_scoreboard(response: httpx.Response, payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        shape = type(payload).__name__ if not isinstance(payload, dict) else sorted(payload)[:8]
        raise VenueError(
            f"espn scoreboard: expected an object with an `events` list, got {shape} "
            "(the response is kept in raw.pages; ESPN may have changed the endpoint)"
        )


def league_path(league: str) -> str:
    """`football/nfl` as configured; anything else is a config error we can name."""
    cleaned = league.strip().strip("/").lower()
    if not LEAGUE_PATH.match(cleaned):
        raise ValueError(
            f"games.espn.leagues entry {league!r} is not `<sport>/<league>` "
            "(e.g. football/nfl, basketball/nba, hockey/nhl)"
        )
    return cleaned


def league_slug(league: str) -> str:
    """The league as stored in core.game_states: `football/nfl` -> `nfl`."""
    return league_path(league).split("/")[1]


def date_range(start: date, end: date) -> str:
    return start.strftime("%Y%m%d") if start == end else f"{start:%Y%m%d}-{end:%Y%m%d}"


class EspnClient:
    def __init__(self, http: VenueHttp, limit: int = EVENT_LIMIT) -> None:
        self.http, self.limit = http, limit

    def current(self, league: str) -> Page:
        """The scoreboard ESPN shows right now (today / this week): what live polling reads."""
        return self._get(league, None)

    def between(self, league: str, start: date, end: date) -> Iterator[Page]:
        """Every game from `start` to `end` (inclusive); a full page is split and re-read."""
        return day_range_pages(
            lambda a, b: self._get(league, date_range(a, b)),
            lambda page: len(page.payload["events"]) >= self.limit,
            start,
            end,
        )

    def _get(self, league: str, dates: str | None) -> Page:
        return self.http.get(
            f"/apis/site/v2/sports/{league_path(league)}/scoreboard",
            params={"dates": dates, "limit": self.limit},
            endpoint="scoreboard",
        )

    def close(self) -> None:
        self.http.close()


def make_client(
    settings: Settings, transport: httpx.BaseTransport | None, sink: PageSink | None
) -> EspnClient:
    http = VenueHttp(
        SOURCE,
        settings.url("ESPN_BASE_URL"),
        limiter=RateLimiter(rate=REQUESTS_PER_SECOND, per=1.0, burst=10),
        transport=transport,
        sink=sink,
        check=check_scoreboard,
    )
    return EspnClient(http)
