"""One httpx client factory and the request loop every venue client uses.

A request is: wait for the venue's rate limiter, sign (per attempt: signatures carry timestamps),
send, land the page in raw.pages exactly as received, then decide: success, retry (429, 5xx,
timeouts, connection errors, or a venue's "slow down" sent as HTTP 200) or a clear error.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import stamina

from ingestion.errors import RetryableVenueError, VenueError
from ingestion.http.ratelimit import RateLimiter
from ingestion.http.redact import (
    redact_body,
    redact_mapping,
    redact_text,
    register_secrets,
    request_secrets,
)

log = logging.getLogger("ingestion.http")

USER_AGENT = "tradelake/0.1 (+https://github.com/tradelake/tradelake)"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

Signer = Callable[[httpx.Request], None]
Checker = Callable[[httpx.Response, Any], None]


def make_client(
    base_url: str, *, transport: httpx.BaseTransport | None = None, timeout=DEFAULT_TIMEOUT
) -> httpx.Client:
    """The only place an httpx.Client is built: timeouts and User-Agent always set."""
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
    )


def parse_json(text: str) -> Any:
    """JSON with exact numbers: floats become Decimal, integers stay arbitrary-precision int."""
    return json.loads(text, parse_float=Decimal)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    timeout: float = 120.0  # total seconds across attempts
    wait_initial: float = 0.5
    wait_max: float = 30.0
    wait_jitter: float = 1.0


@dataclass(frozen=True)
class Page:
    """One response page: landed (page_id) and parsed."""

    endpoint: str
    params: Mapping[str, Any]
    status: int
    payload: Any
    page_id: int | None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class PageSink:
    """Where pages land; `ingestion.landing.PageLander` writes raw.pages."""

    def land(
        self, *, source: str, endpoint: str, params: Mapping[str, Any], status: int, body: str
    ) -> int | None:
        return None


def _stdlib_retry_logging() -> None:
    """stamina logs through structlog to stdout when it is installed; we want stdlib logging
    (redacted, routed by Dagster/the CLI like every other line)."""
    from stamina.instrumentation import LoggingOnRetryHook, set_on_retry_hooks

    set_on_retry_hooks([LoggingOnRetryHook])


class VenueHttp:
    """A venue's HTTP session: base URL, limiter, signer, envelope checks, landing.

    Every attempt takes `request_cost` from the limiter (1 for venues that count requests; a
    venue that counts weight, like Hyperliquid, says what one request weighs)."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        limiter: RateLimiter | None = None,
        request_cost: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        sink: PageSink | None = None,
        sign: Signer | None = None,
        check: Checker | None = None,
        retry: RetryPolicy = RetryPolicy(),
        secrets: tuple[str | None, ...] = (),
        client: httpx.Client | None = None,
    ) -> None:
        self.source = source
        self.client = client or make_client(base_url, transport=transport)
        self.limiter, self.request_cost = limiter, request_cost
        if limiter is not None and getattr(transport, "unthrottled", False) is True:
            limiter.paced = False  # a recorded twin's answers: counted, not waited for
        self.sink = sink or PageSink()
        self.sign, self.check, self.retry = sign, check, retry
        self.secrets = tuple(s for s in secrets if s)
        register_secrets(*self.secrets)
        _stdlib_retry_logging()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> VenueHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, endpoint: str | None = None
    ) -> Page:
        return self.request("GET", path, params=params, endpoint=endpoint)

    def post(self, path: str, json_body: Any = None, *, endpoint: str | None = None) -> Page:
        return self.request("POST", path, json_body=json_body, endpoint=endpoint)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        endpoint: str | None = None,
    ) -> Page:
        endpoint = endpoint or path
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        recorded = redact_mapping(clean_params)
        if json_body is not None:
            recorded = {
                **recorded,
                "json": redact_mapping(json_body) if isinstance(json_body, dict) else json_body,
            }
        r = self.retry
        for attempt in stamina.retry_context(
            on=(RetryableVenueError, httpx.TransportError),
            attempts=r.attempts,
            timeout=r.timeout,
            wait_initial=r.wait_initial,
            wait_max=r.wait_max,
            wait_jitter=r.wait_jitter,
        ):
            with attempt:
                return self._attempt(method, path, clean_params, json_body, endpoint, recorded)
        raise AssertionError("unreachable: stamina re-raises the last error")

    def _attempt(self, method, path, params, json_body, endpoint, recorded) -> Page:
        if self.limiter is not None:
            self.limiter.acquire(self.request_cost)
        request = self.client.build_request(method, path, params=params or None, json=json_body)
        if self.sign is not None:
            self.sign(request)
        # the configured credentials and this request's own (its signature is computed per
        # attempt): none of them may reach raw.pages, a log line or an error message
        secrets = self.secrets + request_secrets(request)
        try:
            response = self.client.send(request)
        except httpx.TransportError as exc:
            log.warning(
                "%s %s: %s (%s), will retry",
                self.source,
                endpoint,
                type(exc).__name__,
                self._safe(str(exc), secrets),
            )
            raise
        body = redact_body(response.text, secrets)  # what is landed is what is parsed
        page_id = self.sink.land(
            source=self.source,
            endpoint=endpoint,
            params=recorded,
            status=response.status_code,
            body=body,
        )
        status = response.status_code
        if status == 429 or status >= 500:
            self._honour_retry_after(response)
            log.warning("%s %s answered HTTP %s, backing off", self.source, endpoint, status)
            raise RetryableVenueError(f"{self.source} {endpoint}: HTTP {status}")
        if status >= 400:
            excerpt = self._safe(body[:300], secrets)
            raise VenueError(f"{self.source} {endpoint} answered HTTP {status}: {excerpt}")
        try:
            payload = parse_json(body) if body.strip() else None
        except ValueError as exc:
            raise VenueError(
                f"{self.source} {endpoint} returned a body that is not JSON "
                f"(kept as raw page {page_id}): {self._safe(body[:120], secrets)!r}"
            ) from exc
        if self.check is not None:
            self.check(response, payload)
        return Page(endpoint, recorded, status, payload, page_id)

    def _honour_retry_after(self, response: httpx.Response) -> None:
        value = response.headers.get("Retry-After")
        if not value:
            return  # no hint: stamina's jittered exponential backoff decides
        try:
            delay = float(value)
        except ValueError:
            return
        time.sleep(min(max(delay, 0.0), self.retry.wait_max))

    def _safe(self, text: str, secrets: tuple[str, ...] = ()) -> str:
        return redact_text(text, secrets or self.secrets)
