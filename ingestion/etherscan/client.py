"""Etherscan V2 client: one host, every chain by `chainid`, GET /v2/api with module/action.

Docs: https://docs.etherscan.io/api-reference/endpoint/txlist,
https://docs.etherscan.io/api-reference/endpoint/tokentx,
https://docs.etherscan.io/api-reference/endpoint/getblocknobytime,
https://docs.etherscan.io/resources/common-error-messages, https://docs.etherscan.io/rate-limits,
https://docs.etherscan.io/changelog (records per request cut to 1,000 on the free tier, July 2026).

The envelope is {status, message, result}. Errors, including rate limiting, arrive as HTTP 200
with status "0" and the reason in `result`; an empty history is also status "0" ("No
transactions found"), so the body, not the HTTP status, decides (see `check_envelope`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from ingestion.errors import RetryableVenueError, VenueError
from ingestion.etherscan import SOURCE
from ingestion.http import RateLimiter, RetryPolicy, VenueHttp
from ingestion.http.client import Page, PageSink
from ingestion.http.paginate import Chunk, OnTruncated, RecordWindow, block_window_pages

PATH = "/v2/api"
FREE_CALLS_PER_SECOND = 3  # Free tier: 3 calls/s, 100,000 calls/day (docs: rate-limits)
OFFSET = 1000  # records per request: the free tier's maximum since 2026-07-01 (changelog)
WINDOW = 10_000  # page x offset budget of one query; learned lower if the venue says so
END_BLOCK = 9_999_999_999  # "to the tip" on every chain (Arbitrum is past 10^8 blocks)

EMPTY_MESSAGES = ("no transactions found", "no records found")
RATE_LIMITED = ("rate limit reached", "query timeout")


class ChainUnavailable(VenueError):
    """The chain is not served to this key (unsupported chainid, or not on the plan)."""


class WindowTooLarge(VenueError):
    """page x offset went past the venue's per-query record window."""


def _text(payload: dict) -> str:
    result = payload.get("result")
    detail = result if isinstance(result, str) else ""
    return f"{payload.get('message') or ''} {detail}".strip()


def check_envelope(response: httpx.Response, payload: Any) -> None:
    """Decide from the body: success, empty, retry (rate limit as HTTP 200) or a clear error."""
    if not isinstance(payload, dict) or "status" not in payload:
        raise VenueError(f"etherscan answered without a status envelope: {str(payload)[:200]}")
    if str(payload["status"]) == "1":
        return
    text = _text(payload)
    lower = text.lower()
    if any(m in lower for m in EMPTY_MESSAGES) and payload.get("result") in (None, [], ""):
        return  # an empty history, not an error
    if "daily" in lower and "limit" in lower:
        raise VenueError(f"etherscan daily call limit reached (resets daily): {text}")
    if any(m in lower for m in RATE_LIMITED):
        raise RetryableVenueError(f"etherscan asked us to slow down: {text}")
    if "result window is too large" in lower:
        raise WindowTooLarge(f"etherscan: {text}")
    if "chainid" in lower or "for this chain" in lower or "upgrade your api plan" in lower:
        raise ChainUnavailable(f"etherscan: {text}")
    if "api key" in lower:
        raise VenueError(f"etherscan rejected ETHERSCAN_API_KEY: {text}")
    raise VenueError(f"etherscan error: {text or payload!r}")


def result_rows(payload: Any) -> list[Any]:
    result = (payload or {}).get("result") if isinstance(payload, dict) else None
    return result if isinstance(result, list) else []


def row_block(row: Any) -> int | None:
    """A row's block number, or None when unusable (the normaliser quarantines that row)."""
    try:
        value = row["blockNumber"]
        if isinstance(value, bool | float):
            return None
        return int(str(value))
    except (TypeError, KeyError, ValueError):
        return None


class EtherscanClient:
    def __init__(
        self, http: VenueHttp, api_key: str, *, offset: int = OFFSET, window: int = WINDOW
    ) -> None:
        self.http, self.api_key = http, api_key
        self.offset, self.record_window = offset, RecordWindow(window)

    @property
    def window(self) -> int:
        """page x offset records one query may reach (learned lower if the venue says so)."""
        return self.record_window.records

    def close(self) -> None:
        self.http.close()

    def call(self, chainid: int, module: str, action: str, **params: Any) -> Page:
        query = {"chainid": chainid, "module": module, "action": action, **params}
        return self.http.get(PATH, {**query, "apikey": self.api_key}, endpoint=f"{module}.{action}")

    def block_at(self, chainid: int, at: datetime) -> int:
        """First block at or after `at` (module=block, action=getblocknobytime, closest=after)."""
        page = self.call(
            chainid, "block", "getblocknobytime", timestamp=int(at.timestamp()), closest="after"
        )
        result = (page.payload or {}).get("result")
        try:
            return int(str(result))
        except ValueError:
            raise VenueError(f"etherscan getblocknobytime returned {result!r}") from None

    def _page(self, chainid: int, action: str, address: str, start: int, number: int) -> Page:
        return self.call(
            chainid,
            "account",
            action,
            address=address,
            startblock=start,
            endblock=END_BLOCK,
            page=number,
            offset=self.offset,
            sort="asc",
        )

    def history(
        self,
        chainid: int,
        action: str,
        address: str,
        start: int,
        on_truncated: OnTruncated = lambda cut: None,
    ) -> Iterator[Chunk]:
        """Every row of `action` (txlist / tokentx) for `address` from block `start`, ascending,
        in sliding block windows (see `block_window_pages`)."""
        return block_window_pages(
            lambda first, number: self._page(chainid, action, address, first, number),
            result_rows,
            row_block,
            start=start,
            per_page=self.offset,
            window=self.record_window,
            too_large=WindowTooLarge,
            scope=f"chain {chainid}",
            label=action,
            on_truncated=on_truncated,
        )


def make_client(
    settings,
    api_key: str,
    transport: httpx.BaseTransport | None,
    sink: PageSink | None,
    *,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy = RetryPolicy(),
    **kw: Any,
) -> EtherscanClient:
    http = VenueHttp(
        SOURCE,
        settings.url("ETHERSCAN_BASE_URL"),
        limiter=limiter or RateLimiter(FREE_CALLS_PER_SECOND, per=1.0, burst=FREE_CALLS_PER_SECOND),
        transport=transport,
        sink=sink,
        check=check_envelope,
        retry=retry,
        secrets=(api_key,),
    )
    return EtherscanClient(http, api_key, **kw)
