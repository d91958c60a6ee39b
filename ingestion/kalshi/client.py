"""Kalshi Trade API v2 client: public market data plus the signed portfolio endpoints.

Paging is Kalshi's opaque `cursor`; an empty (or missing) cursor is the end marker
(https://docs.kalshi.com/getting_started/pagination). Every page lands in raw.pages first
(VenueHttp's sink). Data older than the historical cutoff lives under /historical/*
(https://docs.kalshi.com/getting_started/historical_data).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from ingestion.errors import SourceSkipped
from ingestion.http import RateLimiter, VenueHttp
from ingestion.http.client import Page, PageSink, RetryPolicy
from ingestion.http.paginate import cursor_pages
from ingestion.kalshi import SOURCE
from ingestion.kalshi.auth import KalshiSigner, load_private_key
from ingestion.settings import Settings

# https://docs.kalshi.com/getting_started/rate_limits: per-second read budget in tokens per tier;
# a request costs 10 tokens unless its page says otherwise, so requests/s = budget / 10.
READ_BUDGET = {"basic": 200, "advanced": 300, "premier": 1000, "paragon": 2000, "prime": 4000}
DEFAULT_COST = 10
MARKETS_LIMIT = 1000  # documented maximum for GET /markets
PORTFOLIO_LIMIT = 200  # documented maximum for fills / settlements / orders
EVENTS_LIMIT = 200  # documented maximum for GET /events


MISSING_KEY = (
    "KALSHI_API_KEY_ID / KALSHI_PRIVATE_KEY_PATH are not set: export them to sync the Kalshi "
    "portfolio (fills, settlements, positions, balance); markets sync without them"
)


def tier_limiter(tier: str) -> RateLimiter:
    try:
        budget = READ_BUDGET[tier.lower()]
    except KeyError:
        raise ValueError(
            f"unknown Kalshi rate-limit tier {tier!r}; one of {', '.join(READ_BUDGET)}"
        ) from None
    rate = budget / DEFAULT_COST
    return RateLimiter(rate=rate, per=1.0, burst=int(rate))


def next_cursor(payload: Any) -> str | None:
    return (payload or {}).get("cursor") or None


def _ts(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


@dataclass(frozen=True)
class Cutoff:
    """GET /historical/cutoff: older records only exist under /historical/*."""

    market_settled: datetime
    trades_created: datetime
    # orders canceled or fully executed before it are only under /historical/orders; a cutoff
    # page without it (older responses) is read as the fills' cutoff, which it tracked
    orders_updated: datetime | None = None

    @classmethod
    def parse(cls, payload: dict) -> Cutoff:
        def at(name: str) -> datetime:
            return datetime.fromisoformat(payload[name].replace("Z", "+00:00")).astimezone(UTC)

        trades = at("trades_created_ts")
        orders = at("orders_updated_ts") if payload.get("orders_updated_ts") else trades
        return cls(at("market_settled_ts"), trades, orders)


class KalshiClient:
    def __init__(
        self, public: VenueHttp, private: VenueHttp | None, why_unsigned: str = ""
    ) -> None:
        self.public, self.private, self.why_unsigned = public, private, why_unsigned

    def close(self) -> None:
        self.public.close()
        if self.private is not None:
            self.private.close()

    def _signed(self) -> VenueHttp:
        if self.private is None:
            raise SourceSkipped(self.why_unsigned or MISSING_KEY)
        return self.private

    def _paged(self, http: VenueHttp, path: str, params: dict, endpoint: str) -> Iterator[Page]:
        def fetch(cursor: str | None) -> Page:
            return http.get(path, {**params, "cursor": cursor}, endpoint=endpoint)

        return cursor_pages(fetch, next_cursor)

    # --- public market data ---------------------------------------------------------------
    def cutoff(self) -> Cutoff:
        return Cutoff.parse(
            self.public.get("/historical/cutoff", endpoint="historical/cutoff").payload
        )

    def markets(self, series_ticker: str) -> Iterator[Page]:
        """Every live market of a series, whatever its status (no status filter)."""
        params = {"series_ticker": series_ticker, "limit": MARKETS_LIMIT}
        return self._paged(self.public, "/markets", params, "markets")

    def series(self, series_ticker: str) -> Page:
        """GET /series/{series_ticker} -> {"series": {...}} (never partitioned to history)."""
        return self.public.get(f"/series/{quote(series_ticker, safe='')}", endpoint="series")

    def events(self, series_ticker: str) -> Iterator[Page]:
        """Every event of a series with its markets nested. Old events stay on /events (only
        markets, trades and orders move to /historical/*), but the nested markets of an event
        whose markets were archived may be missing: those come from /historical/markets."""
        params = {
            "series_ticker": series_ticker,
            "with_nested_markets": "true",
            "limit": EVENTS_LIMIT,
        }
        return self._paged(self.public, "/events", params, "events")

    def historical_markets(self, series_ticker: str, min_close: datetime) -> Iterator[Page]:
        params = {
            "series_ticker": series_ticker,
            "min_close_ts": _ts(min_close),
            "limit": MARKETS_LIMIT,
        }
        return self._paged(self.public, "/historical/markets", params, "historical/markets")

    # --- portfolio (signed) ---------------------------------------------------------------
    def fills(self, min_ts: datetime, *, historical: bool = False) -> Iterator[Page]:
        path, endpoint = (
            ("/historical/fills", "historical/fills")
            if historical
            else ("/portfolio/fills", "fills")
        )
        params = {"min_ts": _ts(min_ts), "limit": PORTFOLIO_LIMIT}
        return self._paged(self._signed(), path, params, endpoint)

    def orders(
        self,
        min_ts: datetime | None = None,
        *,
        status: str | None = None,
        historical: bool = False,
    ) -> Iterator[Page]:
        """GET /portfolio/orders (or /historical/orders): every status unless `status` is given
        (`resting`: the open ones, a complete snapshot of them)."""
        path, endpoint = (
            ("/historical/orders", "historical/orders")
            if historical
            else ("/portfolio/orders", "orders")
        )
        params = {"min_ts": _ts(min_ts), "status": status, "limit": PORTFOLIO_LIMIT}
        params = {k: v for k, v in params.items() if v is not None}
        return self._paged(self._signed(), path, params, endpoint)

    def order(self, order_id: str) -> Page:
        """GET /portfolio/orders/{order_id} -> {"order": {...}}."""
        path = f"/portfolio/orders/{quote(order_id, safe='')}"
        return self._signed().get(path, endpoint="order")

    def settlements(self, min_ts: datetime) -> Iterator[Page]:
        params = {"min_ts": _ts(min_ts), "limit": PORTFOLIO_LIMIT}
        return self._paged(self._signed(), "/portfolio/settlements", params, "settlements")

    def positions(self) -> Iterator[Page]:
        # count_filter=position: only markets where a position is held (a full snapshot of them)
        params = {"count_filter": "position", "limit": MARKETS_LIMIT}
        return self._paged(self._signed(), "/portfolio/positions", params, "positions")

    def balance(self) -> Page:
        return self._signed().get("/portfolio/balance", endpoint="balance")


def kalshi_tier(settings: Settings) -> str:
    """`accounts.kalshi.rate_limit_tier` in tradelake.yaml (our own key), default basic."""
    return settings.config.accounts.kalshi.rate_limit_tier or "basic"


def credentials(settings: Settings) -> tuple[str, str] | None:
    key_id = settings.secret("KALSHI_API_KEY_ID")
    key_path = settings.secret("KALSHI_PRIVATE_KEY_PATH")
    return (key_id, key_path) if key_id and key_path else None


def make_client(
    settings: Settings,
    transport: httpx.BaseTransport | None = None,
    sink: PageSink | None = None,
    *,
    retry: RetryPolicy = RetryPolicy(),
    limiter: RateLimiter | None = None,
) -> KalshiClient:
    """Public client always; the signed one only when both credentials are configured."""
    base = settings.url("KALSHI_BASE_URL")
    limiter = limiter or tier_limiter(kalshi_tier(settings))  # one bucket for both
    public = VenueHttp(SOURCE, base, limiter=limiter, transport=transport, sink=sink, retry=retry)
    creds = credentials(settings)
    if creds is None:
        return KalshiClient(public, None)
    key_id, key_path = creds
    # an unreadable file or one that is no RSA private key is a configuration error
    # (KeyFileError, a ConfigError naming KALSHI_PRIVATE_KEY_PATH, the path and the reason)
    signer = KalshiSigner(key_id, load_private_key(key_path))
    private = VenueHttp(
        SOURCE,
        base,
        limiter=limiter,
        transport=transport,
        sink=sink,
        sign=signer,
        retry=retry,
        secrets=(key_id,),
    )
    return KalshiClient(public, private)
