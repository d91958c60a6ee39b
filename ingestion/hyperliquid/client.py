"""Client for Hyperliquid's public info endpoint: `POST {HYPERLIQUID_BASE_URL}/info`, JSON body.

- `{"type": "spotMeta"}`: spot tokens and pairs (maps `@107` to a readable pair name).
- `{"type": "clearinghouseState", "user"}`: a user's perp account summary (marginSummary
  .accountValue is its equity in USDC) and positions; one object per request.
- `{"type": "userFillsByTime", "user", "startTime", "endTime", "aggregateByTime": false}`:
  fills with time in [startTime, endTime] (ms), oldest first, at most PAGE_CAP per response, and
  only the HISTORY_LIMIT most recent fills of a user are reachable at all. Paging forward by
  time: the next request starts AT the newest time returned (inclusive, so fills sharing that
  millisecond are not cut off; the loader drops the repeats by tid).

- `{"type": "historicalOrders", "user"}`: the user's most recent orders (at most 2000), open
  and finalized, each `{order, status, statusTimestamp}`; one answer, no paging.

- `{"type": "candleSnapshot", "req": {"coin", "interval", "startTime", "endTime"}}`: candles
  whose open time lies in [startTime, endTime] (ms), oldest first, at most CANDLE_CAP per
  answer, and only the most recent CANDLE_CAP candles of a coin and interval are kept at all.
  Asked in windows of CANDLE_CAP hours (`window_pages`), so no answer can be cut by the cap;
  an empty window (before the kept history, a halt) does not end the walk.

- `{"type": "metaAndAssetCtxs"}`: `[meta, assetCtxs]`, the perp universe (`meta.universe[i]`:
  name, szDecimals, maxLeverage, ...) and, at the same index, each asset's context (markPx,
  midPx, oraclePx, funding, openInterest, ...); one answer for every coin, no paging.

- `{"type": "userFunding", "user", "startTime", "endTime"}`: the user's hourly funding payments
  with time in [startTime, endTime] (ms, both inclusive), oldest first. "Responses that take a
  time range will only return 500 elements or distinct blocks of data. To query larger ranges,
  use the last returned timestamp as the next startTime" (FUNDING_CAP): paged forward by time
  like the fills, the boundary millisecond re-read (the loader drops repeats by its key).

Rate limit (per IP): REST requests share 1200 weight per minute; info requests weigh 20, and
userFillsByTime adds 1 per 20 fills returned. The limiter (a RateLimiter counted in weight)
charges both: VenueHttp the request's weight, the client the items returned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from ingestion.errors import VenueError
from ingestion.http.client import Page, PageSink, VenueHttp
from ingestion.http.paginate import OnTruncated, Truncation, time_cursor_pages, window_pages
from ingestion.http.ratelimit import RateLimiter
from ingestion.hyperliquid import SOURCE
from ingestion.wire import datetime_from_epoch_ms, epoch_ms_from_datetime

PAGE_CAP = 2000  # "Returns at most 2000 fills per response"
HISTORY_LIMIT = 10_000  # "only the 10000 most recent fills are available"
WEIGHT_BUDGET = 1200  # per minute per IP, all REST requests together
INFO_WEIGHT = 20  # "All other documented info requests have weight 20"
ITEMS_PER_EXTRA_WEIGHT = 20  # userFillsByTime: +1 weight per 20 items returned
CANDLES_PER_EXTRA_WEIGHT = 60  # candleSnapshot: +1 weight per 60 items returned
CANDLE_CAP = 5000  # candleSnapshot: "Only the most recent 5000 candles are available"
HOUR_MS = 3_600_000
FUNDING_CAP = 500  # info endpoint, "Pagination": time-range answers hold at most 500 elements
BUDGET_SHARE = 0.8  # leave a fifth of the IP's budget to other tools on the same host


def weight_limiter(**kw: Any) -> RateLimiter:
    """The IP's REST weight budget (our share of it) as a token bucket counted in weight."""
    budget = WEIGHT_BUDGET * BUDGET_SHARE
    return RateLimiter(budget, per=60.0, burst=int(budget), **kw)


def fill_time_ms(raw: Any) -> int | None:
    try:
        return int(raw["time"])
    except (TypeError, KeyError, ValueError):
        return None  # a malformed fill is the normaliser's to quarantine, not the pager's


class HyperliquidClient:
    def __init__(
        self,
        http: VenueHttp,
        limiter: RateLimiter | None = None,
        *,
        page_cap: int = PAGE_CAP,
        history_limit: int = HISTORY_LIMIT,
        candle_cap: int = CANDLE_CAP,
        funding_cap: int = FUNDING_CAP,
    ) -> None:
        self.http = http
        self.limiter = limiter
        self.page_cap, self.history_limit = page_cap, history_limit
        self.candle_cap = candle_cap
        self.funding_cap = funding_cap

    def close(self) -> None:
        self.http.close()

    def spot_meta(self) -> Page:
        page = self.http.post("/info", {"type": "spotMeta"}, endpoint="spotMeta")
        if not isinstance(page.payload, dict):
            raise VenueError(f"spotMeta: expected an object (raw page {page.page_id})")
        return page

    def meta_and_asset_ctxs(self) -> Page:
        """The perp universe and its asset contexts. The two arrays are read by index, so an
        answer whose lengths differ cannot be paired and is refused whole (kept as raw)."""
        page = self.http.post("/info", {"type": "metaAndAssetCtxs"}, endpoint="metaAndAssetCtxs")
        body = page.payload
        ok = (
            isinstance(body, list)
            and len(body) == 2
            and isinstance(body[0], dict)
            and isinstance(body[0].get("universe"), list)
            and isinstance(body[1], list)
        )
        if not ok:
            raise VenueError(
                "metaAndAssetCtxs: expected [meta with universe, contexts] "
                f"(raw page {page.page_id})"
            )
        if len(body[0]["universe"]) != len(body[1]):
            raise VenueError(
                f"metaAndAssetCtxs: {len(body[0]['universe'])} universe entries but "
                f"{len(body[1])} contexts, cannot pair them (raw page {page.page_id})"
            )
        return page

    def clearinghouse_state(self, user: str) -> Page:
        """One answer; a malformed one is the sync's to quarantine (the other wallets load)."""
        body = {"type": "clearinghouseState", "user": user}
        return self.http.post("/info", body, endpoint="clearinghouseState")

    def historical_orders(self, user: str) -> Page:
        body = {"type": "historicalOrders", "user": user}
        page = self.http.post("/info", body, endpoint="historicalOrders")
        if not isinstance(page.payload, list):
            raise VenueError(
                f"historicalOrders for {user}: expected a JSON array, got "
                f"{type(page.payload).__name__} (kept as raw page {page.page_id})"
            )
        return page

    def fills_page(self, user: str, start_ms: int, end_ms: int) -> Page:
        body = {
            "type": "userFillsByTime",
            "user": user,
            "startTime": start_ms,
            "endTime": end_ms,
            "aggregateByTime": False,  # one row per fill: each keeps its own tid
        }
        page = self.http.post("/info", body, endpoint="userFillsByTime")
        if not isinstance(page.payload, list):
            raise VenueError(
                f"userFillsByTime for {user}: expected a JSON array, got "
                f"{type(page.payload).__name__} (kept as raw page {page.page_id})"
            )
        if self.limiter is not None:
            self.limiter.acquire(len(page.payload) // ITEMS_PER_EXTRA_WEIGHT)
        return page

    def funding_page(self, user: str, start_ms: int, end_ms: int) -> Page:
        body = {"type": "userFunding", "user": user, "startTime": start_ms, "endTime": end_ms}
        page = self.http.post("/info", body, endpoint="userFunding")
        if page.payload is None:
            page = dataclasses.replace(page, payload=[])
        if not isinstance(page.payload, list):
            raise VenueError(
                f"userFunding for {user}: expected a JSON array, got "
                f"{type(page.payload).__name__} (kept as raw page {page.page_id})"
            )
        return page

    def funding(self, user: str, start_ms: int, end_ms: int) -> Iterator[Page]:
        """Every page of `user`'s funding payments in [start_ms, end_ms], oldest first."""

        def crowded(since: int) -> int:
            raise VenueError(
                f"userFunding: {self.funding_cap} payments within one millisecond ({since})"
            )

        return time_cursor_pages(
            lambda since: self.funding_page(user, since, end_ms),
            lambda rows: rows,
            fill_time_ms,
            start=start_ms,
            end=end_ms,
            cap=self.funding_cap,
            advance=lambda newest: newest,  # inclusive: the boundary millisecond is re-read
            stuck=crowded,
        )

    def candles_page(self, coin: str, start_ms: int, end_ms: int) -> Page:
        """Hourly candles of `coin` opening in [start_ms, end_ms) (the venue's endTime is
        inclusive, so end_ms - 1 is sent: adjacent windows never share a candle)."""
        req = {"coin": coin, "interval": "1h", "startTime": start_ms, "endTime": end_ms - 1}
        page = self.http.post(
            "/info", {"type": "candleSnapshot", "req": req}, endpoint="candleSnapshot"
        )
        if page.payload is None:  # the venue may answer null for a range without candles
            page = dataclasses.replace(page, payload=[])
        if not isinstance(page.payload, list):
            raise VenueError(
                f"candleSnapshot for {coin}: expected a JSON array, got "
                f"{type(page.payload).__name__} (kept as raw page {page.page_id})"
            )
        if self.limiter is not None:
            self.limiter.acquire(len(page.payload) // CANDLES_PER_EXTRA_WEIGHT)
        return page

    def candles(self, coin: str, start_ms: int, end_ms: int) -> Iterator[tuple[int, Page]]:
        """Every hourly candle of `coin` opening in [start_ms, end_ms), one window at a time:
        (the window's end, its page)."""
        return window_pages(
            lambda a, b: (b, self.candles_page(coin, a, b)),
            start=start_ms,
            end=end_ms,
            step=self.candle_cap * HOUR_MS,
        )

    def fills_by_time(
        self,
        user: str,
        start: datetime | int,
        end: datetime | int,
        on_truncated: OnTruncated,
    ) -> Iterator[Page]:
        """Every page of `user`'s fills in [start, end], oldest first, until a short page.

        Reports (never skips silently) the two ways history can be incomplete: the venue's
        HISTORY_LIMIT reached (only the most recent fills are served), and a full page inside a
        single millisecond (paging cannot advance without skipping the rest of it).
        """
        start_ms = start if isinstance(start, int) else epoch_ms_from_datetime(start)
        end_ms = end if isinstance(end, int) else epoch_ms_from_datetime(end)
        oldest: int | None = None
        tids: set[str] = set()  # distinct fills served: boundary re-reads count once

        def crowded(since: int) -> int:
            on_truncated(
                Truncation(
                    f"userFillsByTime: more than {self.page_cap} fills within one "
                    f"millisecond ({since}); the rest of that millisecond was skipped",
                    datetime_from_epoch_ms(since),
                )
            )
            return since + 1

        pages = time_cursor_pages(
            lambda since: self.fills_page(user, since, end_ms),
            lambda rows: rows,
            fill_time_ms,
            start=start_ms,
            end=end_ms,
            cap=self.page_cap,
            advance=lambda newest: newest,  # inclusive: the boundary millisecond is re-read
            stuck=crowded,
        )
        for page in pages:
            yield page
            times = [t for t in map(fill_time_ms, page.payload) if t is not None]
            tids.update(str(r.get("tid")) for r in page.payload if isinstance(r, dict))
            if times:
                oldest = min(times) if oldest is None else min(oldest, *times)
        if len(tids) >= self.history_limit:
            on_truncated(
                Truncation(
                    f"userFillsByTime served {len(tids)} fills, the venue's limit of the "
                    f"{self.history_limit} most recent: older fills, if any, are out of reach",
                    datetime_from_epoch_ms(oldest) if oldest else None,
                )
            )


def make_client(
    settings,
    transport: httpx.BaseTransport | None,
    sink: PageSink | None,
    **kw: Any,
) -> HyperliquidClient:
    limiter = weight_limiter()
    http = VenueHttp(
        SOURCE,
        settings.url("HYPERLIQUID_BASE_URL"),
        limiter=limiter,
        request_cost=INFO_WEIGHT,
        transport=transport,
        sink=sink,
    )
    return HyperliquidClient(http, limiter, **kw)
