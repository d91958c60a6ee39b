"""Clients for Polymarket's three public APIs. No auth; paging and limits as documented.

- Gamma  `GET /markets/keyset`, `GET /events/keyset`: keyset paging (`after_cursor` <- previous
  `next_cursor`, absent on the last page); `offset` is rejected. The legacy offset endpoints
  (/markets, /events) are capped and sunset.
- Data   `GET /trades`, `GET /activity`: offset paging with hard caps (a request past the cap is
  a 400, never clamped); deeper history is read in `start`/`end` windows, each with its own
  offset budget. `/trades` defaults to `takerOnly=true`: we always send `false`.
- Data   `GET /value?user=`: the current value of a user's open positions (one request, no
  paging).
- CLOB   `GET /prices-history?market=<token id>&startTs&endTs&fidelity`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ingestion.errors import VenueError
from ingestion.http.client import Page, PageSink, VenueHttp
from ingestion.http.paginate import OnTruncated, keyset_pages, offset_window_pages
from ingestion.http.ratelimit import RateLimiter
from ingestion.polymarket import SOURCE

GAMMA_PAGE = 100  # /markets/keyset and /events/keyset: at most 100 per page (we stay there)
TRADES_PAGE, TRADES_MAX_OFFSET = 10_000, 10_000
ACTIVITY_PAGE, ACTIVITY_MAX_OFFSET = 500, 5_000  # older docs said 10000; 5000 is the safe one


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def venue(name: str, base_url: str, transport, sink, rate: float) -> VenueHttp:
    # Documented limits are per 10 s (Gamma /markets 300, Data /trades 200, CLOB 1000+); we
    # stay well under them and let the shared layer retry 429/5xx with backoff.
    return VenueHttp(
        SOURCE,
        base_url,
        transport=transport,
        sink=sink,
        limiter=RateLimiter(rate, per=10.0, burst=5),
    )


class GammaClient:
    def __init__(self, http: VenueHttp) -> None:
        self.http = http

    def _keyset(self, path: str, params: dict[str, Any], key: str) -> Iterator[Page]:
        def fetch(cursor: str | None) -> Page:
            return self.http.get(
                path, {**params, "limit": GAMMA_PAGE, "after_cursor": cursor}, endpoint=path
            )

        return keyset_pages(
            fetch,
            next_key=lambda payload: (payload or {}).get("next_cursor") or None,
            items=lambda payload: (payload or {}).get(key) or [],
        )

    def markets(self, **filters: Any) -> Iterator[Page]:
        """Pages of {markets: [...], next_cursor}; `closed` is always sent explicitly because
        the list endpoints default to closed=false and would hide resolved markets."""
        for closed in ("false", "true"):
            yield from self._keyset("/markets/keyset", {**filters, "closed": closed}, "markets")

    def events(self, **filters: Any) -> Iterator[Page]:
        for closed in ("false", "true"):
            yield from self._keyset("/events/keyset", {**filters, "closed": closed}, "events")


class DataClient:
    def __init__(
        self,
        http: VenueHttp,
        *,
        trades_page: int = TRADES_PAGE,
        trades_cap: int = TRADES_MAX_OFFSET,
        activity_page: int = ACTIVITY_PAGE,
        activity_cap: int = ACTIVITY_MAX_OFFSET,
    ) -> None:
        self.http = http
        self.trades_page, self.trades_cap = trades_page, trades_cap
        self.activity_page, self.activity_cap = activity_page, activity_cap

    def trades(
        self, user: str, start: datetime, end: datetime, on_truncated: OnTruncated
    ) -> Iterator[Page]:
        params = {"user": user, "takerOnly": "false"}  # default true would hide maker fills
        return windowed(
            self.http,
            "/trades",
            params,
            start,
            end,
            self.trades_page,
            self.trades_cap,
            on_truncated,
        )

    def activity(
        self, user: str, start: datetime, end: datetime, on_truncated: OnTruncated
    ) -> Iterator[Page]:
        params = {"user": user, "sortBy": "TIMESTAMP", "sortDirection": "ASC"}
        return windowed(
            self.http,
            "/activity",
            params,
            start,
            end,
            self.activity_page,
            self.activity_cap,
            on_truncated,
        )

    def value(self, user: str) -> Page:
        return self.http.get("/value", {"user": user}, endpoint="/value")


def _row_second(row: Any) -> int | None:
    try:
        return int(row["timestamp"])
    except (TypeError, KeyError, ValueError):
        return None  # a malformed row is the normaliser's to quarantine, not the pager's


def _offset_refused(exc: Exception) -> bool:
    """The venue may enforce a lower cap than documented: a 400 past offset 0."""
    return isinstance(exc, VenueError) and "HTTP 400" in str(exc)


def windowed(
    http: VenueHttp,
    path: str,
    params: dict[str, Any],
    start: datetime,
    end: datetime,
    limit: int,
    cap: int,
    on_truncated: OnTruncated,
) -> Iterator[Page]:
    """Offset paging inside [start, end) windows (`end` is sent inclusive, hence the -1)."""

    def fetch(a: datetime, b: datetime, offset: int, n: int) -> Page:
        query = {**params, "start": _epoch(a), "end": _epoch(b) - 1, "limit": n, "offset": offset}
        return http.get(path, query, endpoint=path)

    return offset_window_pages(
        fetch,
        lambda payload: payload or [],
        _row_second,
        start=start,
        end=end,
        limit=limit,
        cap=cap,
        label=path,
        on_truncated=on_truncated,
        is_cap_error=_offset_refused,
    )


class ClobClient:
    def __init__(self, http: VenueHttp) -> None:
        self.http = http

    def prices_history(
        self, token_id: str, start: datetime, end: datetime, fidelity_minutes: int = 60
    ) -> Page:
        return self.http.get(
            "/prices-history",
            {
                "market": token_id,
                "startTs": _epoch(start),
                "endTs": _epoch(end),
                "fidelity": fidelity_minutes,
            },
            endpoint="/prices-history",
        )


@dataclass
class Clients:
    gamma: GammaClient
    data: DataClient
    clob: ClobClient

    def close(self) -> None:
        for c in (self.gamma, self.data, self.clob):
            c.http.close()


def make_clients(
    settings, transport: httpx.BaseTransport | None, sink: PageSink | None, **data_kw: Any
) -> Clients:
    return Clients(
        gamma=GammaClient(
            venue("gamma", settings.url("POLYMARKET_GAMMA_URL"), transport, sink, 100)
        ),
        data=DataClient(
            venue("data", settings.url("POLYMARKET_DATA_URL"), transport, sink, 60), **data_kw
        ),
        clob=ClobClient(venue("clob", settings.url("POLYMARKET_CLOB_URL"), transport, sink, 300)),
    )
