"""OKX API v5 client: signed fills (recent + history) and account config, public instruments.

Every answer is an envelope {"code": "0", "msg": "", "data": [...]}: the body's `code`, not the
HTTP status, says whether it worked. Rate limiting is reported as code 50011, sometimes with HTTP
429 and sometimes with HTTP 200 (https://www.okx.com/docs-v5/en/#error-code-rest-api-public), so
the envelope check retries it whatever the status. Each endpoint has its own documented limit,
hence one token bucket per endpoint. Fills page backwards: `after` = the oldest billId of the
previous page, 100 per page; a page shorter than 100 is the last one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ingestion.errors import RetryableVenueError, SourceSkipped, VenueError
from ingestion.http import RateLimiter, VenueHttp
from ingestion.http.client import Page, PageSink, RetryPolicy
from ingestion.http.client import make_client as make_http_client
from ingestion.http.paginate import cursor_pages
from ingestion.okx import SOURCE
from ingestion.okx.auth import OkxSigner
from ingestion.settings import Settings
from ingestion.wire import epoch_ms_from_datetime

ACCOUNT_CONFIG = "/api/v5/account/config"
FILLS = "/api/v5/trade/fills"  # last 3 days
FILLS_HISTORY = "/api/v5/trade/fills-history"  # last 3 months, instType required
INSTRUMENTS = "/api/v5/public/instruments"
FILLS_LIMIT = 100  # documented maximum (and default) for both fills endpoints

# Documented limits ("Rate Limit: N requests per 2 seconds" on each endpoint's page).
LIMITS = {
    ACCOUNT_CONFIG: 5,  # User ID
    FILLS: 60,  # User ID
    FILLS_HISTORY: 10,  # User ID
    INSTRUMENTS: 20,  # IP + instType
}
# Envelope codes that mean "slow down / try again": 50011 rate limit (HTTP 200 or 429),
# 50013 systems busy, 50001 service unavailable, 50004 endpoint timeout, 50026 system error,
# 50040 too frequent operations.
RETRYABLE_CODES = frozenset({"50011", "50013", "50001", "50004", "50026", "50040"})
CREDENTIALS = ("OKX_API_KEY", "OKX_API_SECRET", "OKX_API_PASSPHRASE")


def envelope_check(response: httpx.Response, payload: Any) -> None:
    """Raise unless the body is an envelope with code "0" (VenueHttp calls this on 2xx/3xx)."""
    if not isinstance(payload, Mapping) or "code" not in payload:
        raise VenueError(f"okx {response.request.url.path}: not an OKX envelope: {payload!r:.200}")
    code, msg = str(payload["code"]), payload.get("msg") or ""
    if code == "0":
        return
    text = f"okx {response.request.url.path} answered code {code} (HTTP {response.status_code})"
    if code in RETRYABLE_CODES:
        raise RetryableVenueError(f"{text}: {msg or 'rate limited'}")
    raise VenueError(f"{text}: {msg}")


def rows_of(payload: Any) -> list:
    data = (payload or {}).get("data") if isinstance(payload, Mapping) else None
    return data if isinstance(data, list) else []


def next_after(payload: Any) -> str | None:
    """The oldest billId of a full page (pages are newest first); None after a short page."""
    rows = rows_of(payload)
    if len(rows) < FILLS_LIMIT:
        return None
    ids = [str(r.get("billId") or "") for r in rows if isinstance(r, Mapping)]
    numeric = [i for i in ids if i.isdigit()]
    if numeric:
        return min(numeric, key=int)  # exact int of a 19-digit id; no float involved
    return ids[-1] or None


@dataclass(frozen=True)
class Credentials:
    api_key: str
    secret: str
    passphrase: str


def credentials(settings: Settings) -> Credentials:
    values = {name: settings.secret(name) for name in CREDENTIALS}
    missing = [name for name, v in values.items() if v is None]
    if missing:
        raise SourceSkipped(
            f"{' / '.join(missing)} not set: export OKX_API_KEY, OKX_API_SECRET and "
            "OKX_API_PASSPHRASE (a read-only OKX v5 API key) to sync OKX fills"
        )
    return Credentials(*(values[name] for name in CREDENTIALS))  # type: ignore[arg-type]


class OkxClient:
    """One httpx client; one VenueHttp per endpoint so each keeps its own rate limit."""

    def __init__(self, client: httpx.Client, endpoints: dict[str, VenueHttp]) -> None:
        self.client, self.endpoints = client, endpoints

    def close(self) -> None:
        self.client.close()

    def _http(self, path: str) -> VenueHttp:
        try:
            return self.endpoints[path]
        except KeyError:
            raise SourceSkipped("OKX credentials are not configured") from None

    def account_config(self) -> Page:
        return self._http(ACCOUNT_CONFIG).get(ACCOUNT_CONFIG, endpoint="account/config")

    def instruments(self, inst_type: str) -> Page:
        return self._http(INSTRUMENTS).get(
            INSTRUMENTS, {"instType": inst_type}, endpoint="public/instruments"
        )

    def fills(
        self, inst_type: str, *, history: bool, begin: datetime | None = None
    ) -> Iterator[Page]:
        """Every fill of `inst_type` since `begin`, newest first, page by page to the end."""
        path = FILLS_HISTORY if history else FILLS
        http = self._http(path)
        endpoint = "trade/fills-history" if history else "trade/fills"

        def fetch(after: str | None) -> Page:
            params = {
                "instType": inst_type,
                "begin": None if begin is None else epoch_ms_from_datetime(begin),
                "limit": FILLS_LIMIT,
                "after": after,
            }
            return http.get(path, params, endpoint=endpoint)

        return cursor_pages(fetch, next_after)


def make_client(
    settings: Settings,
    transport: httpx.BaseTransport | None = None,
    sink: PageSink | None = None,
    *,
    retry: RetryPolicy = RetryPolicy(),
    signed: bool = True,
) -> OkxClient:
    """Public endpoints always; signed ones only when `signed` (raises SourceSkipped without
    credentials, naming the missing variables)."""
    creds = credentials(settings) if signed else None
    client = make_http_client(settings.url("OKX_BASE_URL"), transport=transport)

    def venue(path: str, private: bool) -> VenueHttp:
        return VenueHttp(
            SOURCE,
            settings.url("OKX_BASE_URL"),
            client=client,
            limiter=RateLimiter(rate=LIMITS[path], per=2.0),
            sink=sink,
            check=envelope_check,
            retry=retry,
            sign=OkxSigner(creds.api_key, creds.secret, creds.passphrase) if private else None,
            secrets=(creds.api_key, creds.secret, creds.passphrase) if private else (),
        )

    endpoints = {INSTRUMENTS: venue(INSTRUMENTS, False)}
    if creds is not None:
        for path in (ACCOUNT_CONFIG, FILLS, FILLS_HISTORY):
            endpoints[path] = venue(path, True)
    return OkxClient(client, endpoints)
