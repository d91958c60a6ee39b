"""OKX API v5 client: signed fills (recent + history), account config, positions, balance and
funding bills (recent + archive), own orders (orders-history + archive, paged backwards by
ordId); public instruments, candles (recent + history) and tickers.

Every answer is an envelope {"code": "0", "msg": "", "data": [...]}: the body's `code`, not the
HTTP status, says whether it worked. Rate limiting is reported as code 50011, sometimes with HTTP
429 and sometimes with HTTP 200 (https://www.okx.com/docs-v5/en/#error-code-rest-api-public), so
the envelope check retries it whatever the status. Each endpoint has its own documented limit,
hence one token bucket per endpoint. Fills page backwards: `after` = the oldest billId of the
previous page, 100 per page; a page shorter than 100 is the last one; bills the same way.
Candles page backwards by *time*: `after` = the oldest open time read (ms), newest first, 300 per
page from /market/candles (which keeps the latest 1,440 bars), then 100 per page from
/market/history-candles (paginate.descending_time_pages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ingestion.errors import RetryableVenueError, SourceSkipped, VenueError
from ingestion.http import RateLimiter, VenueHttp
from ingestion.http.client import Page, PageSink, RetryPolicy
from ingestion.http.client import make_client as make_http_client
from ingestion.http.paginate import cursor_pages, descending_time_pages
from ingestion.okx import SOURCE
from ingestion.okx.auth import OkxSigner
from ingestion.settings import Settings
from ingestion.wire import epoch_ms_from_datetime

ACCOUNT_CONFIG = "/api/v5/account/config"
FILLS = "/api/v5/trade/fills"  # last 3 days
FILLS_HISTORY = "/api/v5/trade/fills-history"  # last 3 months, instType required
INSTRUMENTS = "/api/v5/public/instruments"
CANDLES = "/api/v5/market/candles"  # the latest 1,440 bars
HISTORY_CANDLES = "/api/v5/market/history-candles"  # recent years
TICKER = "/api/v5/market/ticker"
POSITIONS = "/api/v5/account/positions"
BALANCE = "/api/v5/account/balance"
BILLS = "/api/v5/account/bills"  # last 7 days
BILLS_ARCHIVE = "/api/v5/account/bills-archive"  # last 3 months
ORDERS = "/api/v5/trade/orders-history"  # completed orders of the last 7 days
ORDERS_ARCHIVE = "/api/v5/trade/orders-history-archive"  # last 3 months
ORDERS_LIMIT = 100  # documented maximum (and default) for both orders-history endpoints
FILLS_LIMIT = 100  # documented maximum (and default) for both fills endpoints
BILLS_LIMIT = 100  # documented maximum (and default) for both bills endpoints
# Candles: /market/candles documents "The maximum is 300". /market/history-candles documented 100
# and, in later versions of the page, 300: 100 is right under both readings (paging never relies
# on a page being full).
CANDLE_LIMITS = {CANDLES: 300, HISTORY_CANDLES: 100}
CANDLE_BAR = "1H"
HOUR_MS = 3_600_000
FUNDING_FEE = "8"  # bill type 8: funding fee (subType 173 expense, 174 income)

# Documented limits ("Rate Limit: N requests per 2 seconds" on each endpoint's page).
LIMITS = {
    ACCOUNT_CONFIG: 5,  # User ID
    FILLS: 60,  # User ID
    FILLS_HISTORY: 10,  # User ID
    INSTRUMENTS: 20,  # IP + instType
    CANDLES: 40,  # IP
    HISTORY_CANDLES: 20,  # IP
    TICKER: 20,  # IP
    POSITIONS: 10,  # User ID
    BALANCE: 10,  # User ID
    BILLS: 10,  # User ID ("5 requests per second")
    BILLS_ARCHIVE: 5,  # User ID
    ORDERS: 40,  # User ID
    ORDERS_ARCHIVE: 20,  # User ID
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


def candle_times(payload: Any) -> list[int]:
    """Open times (ms) of a candles page; rows without a readable time are left to the parser."""
    out = []
    for row in rows_of(payload):
        head = row[0] if isinstance(row, list) and row else None
        if isinstance(head, str | int) and str(head).isdigit():
            out.append(int(head))
    return out


def next_after(payload: Any, key: str = "billId") -> str | None:
    """The oldest `key` id (billId; ordId for orders) of a full page (pages are newest first);
    None after a short page."""
    rows = rows_of(payload)
    if len(rows) < FILLS_LIMIT:
        return None
    ids = [str(r.get(key) or "") for r in rows if isinstance(r, Mapping)]
    numeric = [i for i in ids if i.isdigit()]
    if numeric:
        return min(numeric, key=int)  # exact int of a 19-digit id; no float involved
    return ids[-1] or None


def next_order_after(payload: Any) -> str | None:
    return next_after(payload, "ordId")


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
        return self._pages_back(path, {"instType": inst_type}, begin, FILLS_LIMIT, next_after)

    def orders(
        self, inst_type: str, *, archive: bool, begin: datetime | None = None
    ) -> Iterator[Page]:
        """Every own order of `inst_type` (created since `begin`), newest first, page by page
        backwards by ordId (`after`: records earlier than that ordId) to a short page."""
        path = ORDERS_ARCHIVE if archive else ORDERS
        params = {"instType": inst_type}
        return self._pages_back(path, params, begin, ORDERS_LIMIT, next_order_after)

    def candles(self, inst_id: str, stop_ms: int) -> Iterator[Page]:
        """Hourly candles of `inst_id`, newest first, back to the one opening at `stop_ms`."""

        def tier(path: str) -> Callable[[int | None], Page]:
            http, endpoint = self._http(path), path.removeprefix("/api/v5/")

            def fetch(after: int | None) -> Page:
                params = {
                    "instId": inst_id,
                    "bar": CANDLE_BAR,
                    "limit": CANDLE_LIMITS[path],
                    "after": after,
                }
                return http.get(path, params, endpoint=endpoint)

            return fetch

        return descending_time_pages(
            [tier(CANDLES), tier(HISTORY_CANDLES)],
            candle_times,
            stop=stop_ms,
            hole=CANDLE_LIMITS[HISTORY_CANDLES] * HOUR_MS,
        )

    def ticker(self, inst_id: str) -> Page:
        return self._http(TICKER).get(TICKER, {"instId": inst_id}, endpoint="market/ticker")

    def positions(self) -> Page:
        """Every open position of the account (one page: the endpoint does not page)."""
        return self._http(POSITIONS).get(POSITIONS, endpoint="account/positions")

    def balance(self) -> Page:
        return self._http(BALANCE).get(BALANCE, endpoint="account/balance")

    def funding_bills(self, *, archive: bool, begin: datetime | None = None) -> Iterator[Page]:
        """Every funding-fee bill (type 8) since `begin`, newest first, page by page to the end."""
        path = BILLS_ARCHIVE if archive else BILLS
        return self._pages_back(path, {"type": FUNDING_FEE}, begin, BILLS_LIMIT, next_after)

    def _pages_back(
        self,
        path: str,
        params: dict[str, Any],
        begin: datetime | None,
        limit: int,
        next_page: Callable[[Any], str | None],
    ) -> Iterator[Page]:
        """`path` page by page backwards from the newest record: `params`, then `begin` (ms),
        `limit` and `after` (the cursor `next_page` reads off the previous page)."""
        http = self._http(path)
        endpoint = path.removeprefix("/api/v5/")

        def fetch(after: str | None) -> Page:
            query = {
                **params,
                "begin": None if begin is None else epoch_ms_from_datetime(begin),
                "limit": limit,
                "after": after,
            }
            return http.get(path, query, endpoint=endpoint)

        return cursor_pages(fetch, next_page)


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

    endpoints = {
        path: venue(path, False) for path in (INSTRUMENTS, CANDLES, HISTORY_CANDLES, TICKER)
    }
    if creds is not None:
        for path in (
            ACCOUNT_CONFIG,
            FILLS,
            FILLS_HISTORY,
            POSITIONS,
            BALANCE,
            BILLS,
            BILLS_ARCHIVE,
            ORDERS,
            ORDERS_ARCHIVE,
        ):
            endpoints[path] = venue(path, True)
    return OkxClient(client, endpoints)
