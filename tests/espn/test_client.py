"""The scoreboard client against in-process fakes: params, range splitting, 429, bad shapes."""

from __future__ import annotations

from datetime import date

import httpx
import psycopg
import pytest

from ingestion.errors import VenueError
from ingestion.espn.client import EspnClient, league_path, league_slug, make_client
from ingestion.espn.sync import months
from ingestion.http import VenueHttp
from ingestion.http.client import RetryPolicy
from tests.espn.conftest import FakeEspn

FAST = RetryPolicy(attempts=4, timeout=5.0, wait_initial=0.0, wait_max=0.01, wait_jitter=0.0)


def client(transport: httpx.BaseTransport, limit: int = 1000, sink=None) -> EspnClient:
    from ingestion.espn.client import check_scoreboard

    http = VenueHttp(
        "espn", "https://site.api.espn.com", transport=transport, check=check_scoreboard,
        retry=FAST, sink=sink,
    )  # fmt: skip
    return EspnClient(http, limit=limit)


def test_current_and_range_requests():
    fake = FakeEspn()
    c = client(fake)
    current = c.current("football/nfl")
    pages = list(c.between("football/nfl", date(2025, 11, 1), date(2025, 11, 30)))
    assert len(current.payload["events"]) == 9 and len(pages) == 1
    assert [r.url.path for r in fake.requests] == [
        "/apis/site/v2/sports/football/nfl/scoreboard"
    ] * 2
    assert fake.dates() == [None, "20251101-20251130"]
    assert all(r.url.params["limit"] == "1000" for r in fake.requests)


def test_full_page_is_split_until_it_fits():
    """A range answered with `limit` events may be cut off: it is split in halves and re-read."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        dates = request.url.params["dates"]
        seen.append(dates)
        count = {"20261101-20261130": 3, "20261101-20261115": 3, "20261116-20261130": 1}.get(
            dates, 2
        )
        return httpx.Response(200, json={"events": [{"id": str(i)} for i in range(count)]})

    c = client(httpx.MockTransport(handler), limit=3)
    pages = list(c.between("football/nfl", date(2026, 11, 1), date(2026, 11, 30)))
    assert seen == [
        "20261101-20261130",
        "20261101-20261115",
        "20261101-20261108",
        "20261109-20261115",
        "20261116-20261130",
    ]
    assert [len(p.payload["events"]) for p in pages] == [2, 2, 1]


def test_429_is_retried():
    fake = FakeEspn(rate_limit_first=2)
    page = client(fake).current("football/nfl")
    assert len(page.payload["events"]) == 9 and len(fake.requests) == 3


def test_unexpected_shape_is_a_clear_error_and_the_page_is_kept(db_url, sync_context):
    ctx = sync_context({"games": {"espn": {"leagues": ["football/nfl"]}}})
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"error": "gone"}))
    c = make_client(ctx.settings, transport, ctx.lander)
    with pytest.raises(VenueError, match="expected an object with an `events` list"):
        c.current("football/nfl")
    with psycopg.connect(db_url) as conn:
        kept = conn.execute(
            "select payload from raw.pages where source = 'espn' and endpoint = 'scoreboard'"
        ).fetchall()
    assert kept == [({"error": "gone"},)]


def test_league_paths():
    assert (
        league_path(" Football/NFL/ ") == "football/nfl" and league_slug("soccer/eng.1") == "eng.1"
    )
    with pytest.raises(ValueError, match="<sport>/<league>"):
        league_path("nfl")


def test_months_cover_the_range():
    assert months(date(2025, 11, 20), date(2026, 1, 3)) == [
        (date(2025, 11, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
    ]
    assert months(date(2024, 2, 10), date(2024, 2, 10)) == [(date(2024, 2, 1), date(2024, 2, 29))]
