"""ESPN test helpers: the demo-like config and an in-process fake ESPN serving the recordings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from ingestion.http.replay import ReplayTransport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ESPN_FIXTURES = FIXTURES / "espn"
CONFIG = {"sync_start": "2025-11-01T00:00:00Z", "games": {"espn": {"leagues": ["football/nfl"]}}}
# The moment the current scoreboard was recorded.
NOW = datetime(2026, 11, 23, 19, 40, tzinfo=UTC)


def recorded_events(name: str) -> list[dict]:
    return json.loads((ESPN_FIXTURES / name).read_text())["response"]["body"]["events"]


class FakeEspn(httpx.BaseTransport):
    """Replays the recordings; can answer 429 first, or substitute a response per request."""

    def __init__(self, rate_limit_first: int = 0) -> None:
        self.replay = ReplayTransport.from_dir(ESPN_FIXTURES)
        self.rate_limit_left = rate_limit_first
        self.requests: list[httpx.Request] = []
        self.override: dict[str | None, dict] = {}  # dates param -> body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.rate_limit_left > 0:
            self.rate_limit_left -= 1
            return httpx.Response(429, headers={"Retry-After": "0"}, text="Too Many Requests")
        dates = request.url.params.get("dates")
        if dates in self.override:
            return httpx.Response(200, json=self.override[dates])
        return self.replay.handle_request(request)

    def dates(self) -> list[str | None]:
        return [r.url.params.get("dates") for r in self.requests]


@pytest.fixture
def fake() -> FakeEspn:
    return FakeEspn()


@pytest.fixture
def espn_ctx(sync_context, fake):
    def factory(now: datetime = NOW, transport: httpx.BaseTransport | None = None, **config):
        ctx = sync_context({**CONFIG, **config}, now=lambda: now)
        ctx.transport = lambda source: transport or fake  # type: ignore[method-assign]
        return ctx

    return factory
