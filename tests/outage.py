"""A venue that is down: every request answered 503, swapped in where the demo swaps in its
recorded twin (SyncContext.transport), so the real client, retry loop and landing all run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import stamina

from ingestion.sync import SyncContext


class Outage(httpx.BaseTransport):
    """Answers 503 with a maintenance page (not JSON) to every request; keeps the paths asked."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        return httpx.Response(
            503, text="<html><body>503 Service Unavailable</body></html>", request=request
        )


@contextmanager
def venue_down(monkeypatch: pytest.MonkeyPatch, source: str, attempts: int) -> Iterator[Outage]:
    """`source` answers 503 to everything; the other sources keep their transport. Each request
    is still tried `attempts` times; only stamina's backoff sleeps are skipped."""
    outage = Outage()
    usual = SyncContext.transport

    def transport(self: SyncContext, name: str) -> httpx.BaseTransport | None:
        return outage if name == source else usual(self, name)

    monkeypatch.setattr(SyncContext, "transport", transport)
    stamina.set_testing(True, attempts=attempts)
    try:
        yield outage
    finally:
        stamina.set_testing(False)
        monkeypatch.setattr(SyncContext, "transport", usual)
