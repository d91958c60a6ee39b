"""Every client pages exactly as it did before paging moved into ingestion/http/paginate.py.

Each scenario drives a client against its in-process fake venue and records every request
(method, path, query, JSON body), every page's rows and every truncation reported. The
recording in tests/fixtures/paging/recorded.json was made with the clients' own loops (commit
ee9b9b0, before issue 18 part 1); the strategies must reproduce it request for request.
Re-record only on purpose: TRADELAKE_RECORD_PAGING=1 pytest tests/foundation/test_paging_parity.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingestion.espn.client import EspnClient, check_scoreboard
from ingestion.etherscan.client import EtherscanClient, check_envelope
from ingestion.http import RateLimiter, VenueHttp
from ingestion.http.client import RetryPolicy
from ingestion.hyperliquid.client import HyperliquidClient
from ingestion.polymarket.client import DataClient
from tests.etherscan.fake_api import FakeEtherscan, token_row
from tests.hyperliquid.fake_api import FakeHyperliquid, make_fill

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "paging" / "recorded.json"
FAST = RetryPolicy(attempts=2, timeout=5.0, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
WALLET = "0xb1e5a9c3d7f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0"
T0 = int(datetime(2025, 11, 20, tzinfo=UTC).timestamp())
MS0 = T0 * 1000


class Recorder(httpx.BaseTransport):
    """Passes each request to the fake and writes down what was asked."""

    def __init__(self, handle: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handle, self.requests = handle, []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        query = sorted((k, v) for k, v in request.url.params.multi_items() if k != "apikey")
        self.requests.append([request.method, request.url.path, query, body])
        return self.handle(request)


def http(source: str, recorder: Recorder, **kw: Any) -> VenueHttp:
    return VenueHttp(
        source,
        "https://venue.test",
        transport=recorder,
        limiter=RateLimiter(100_000, burst=100_000),
        retry=FAST,
        **kw,
    )


def cut_record(cut: Any) -> dict:
    """What a truncation tells the sync: its reason and the oldest time still reached (the
    three venue-specific types of before named that time start / oldest / nothing)."""
    oldest = next(
        (getattr(cut, a) for a in ("oldest_reached_at", "start", "oldest") if hasattr(cut, a)),
        None,
    )
    return {"reason": cut.reason, "oldest": oldest.isoformat() if oldest else None}


# --- polymarket: offset paging inside time windows -----------------------------------------


def pm_row(i: int, ts: int) -> dict:
    return {"proxyWallet": WALLET, "timestamp": ts, "transactionHash": f"0x{i:064x}", "size": i}


def polymarket(path: str, rows: list[dict], *, page: int, cap: int, venue_cap: int) -> dict:
    from tests.polymarket.fake_api import FakePolymarket

    key = "trades" if path == "/trades" else "activity"
    fake = FakePolymarket(**{key: rows, f"{key}_cap": venue_cap})
    rec = Recorder(fake.handle)
    kw = {f"{key}_page": page, f"{key}_cap": cap}
    client = DataClient(http("polymarket", rec), **kw)
    cuts: list = []
    start, end = datetime.fromtimestamp(T0 - 10, UTC), datetime.fromtimestamp(T0 + 100, UTC)
    read = client.trades if path == "/trades" else client.activity
    pages = [p.payload for p in read(WALLET, start, end, cuts.append)]
    return {"requests": rec.requests, "pages": pages, "cuts": [cut_record(c) for c in cuts]}


# --- hyperliquid: time cursor ----------------------------------------------------------------


def hyperliquid(times: list[int], *, page_cap: int, history_limit: int = 10_000) -> dict:
    fills = [make_fill(i, time=t) for i, t in enumerate(times)]
    fake = FakeHyperliquid({WALLET: fills}, page_cap=page_cap, history_limit=history_limit)
    rec = Recorder(fake.handle)
    client = HyperliquidClient(
        http("hyperliquid", rec), page_cap=page_cap, history_limit=history_limit
    )
    cuts: list = []
    pages = [p.payload for p in client.fills_by_time(WALLET, MS0, MS0 + 10**7, cuts.append)]
    return {"requests": rec.requests, "pages": pages, "cuts": [cut_record(c) for c in cuts]}


# --- etherscan: page x offset inside sliding block windows -----------------------------------


def etherscan_rows(spec: dict[int, int]) -> list[dict]:
    rows, n = [], 0
    for block, count in spec.items():
        for _ in range(count):
            rows.append(token_row(block, n, wallet=WALLET))
            n += 1
    return rows


def etherscan(fake: FakeEtherscan, *, offset: int, window: int, start: int = 100) -> dict:
    rec = Recorder(fake.handle)
    client = EtherscanClient(
        http("etherscan", rec, check=check_envelope), fake.api_key, offset=offset, window=window
    )
    cuts: list = []
    chunks = [
        {"rows": chunk.rows, "done_through": chunk.done_through, "page": chunk.page.payload}
        for chunk in client.history(42161, "tokentx", WALLET, start, cuts.append)
    ]
    return {
        "requests": rec.requests,
        "chunks": chunks,
        "cuts": [cut_record(c) for c in cuts],
        "window": client.window,
    }


class GrowingEtherscan(FakeEtherscan):
    def handle(self, request):
        response = super().handle(request)
        if len(self.calls) == 1:
            self.rows[(42161, "tokentx")].append(token_row(109, 9, wallet=WALLET))
        return response


# --- espn: date ranges halved while full -----------------------------------------------------


def espn(counts: dict[str, int], *, limit: int) -> dict:
    def handle(request: httpx.Request) -> httpx.Response:
        count = counts.get(request.url.params["dates"], 1)
        return httpx.Response(200, json={"events": [{"id": str(i)} for i in range(count)]})

    rec = Recorder(handle)
    client = EspnClient(http("espn", rec, check=check_scoreboard), limit=limit)
    days = (date(2026, 11, 1), date(2026, 11, 30))
    pages = [p.payload for p in client.between("football/nfl", *days)]
    return {"requests": rec.requests, "pages": pages}


SCENARIOS: dict[str, Callable[[], dict]] = {
    "polymarket activity ascending, cap splits windows": lambda: polymarket(
        "/activity", [pm_row(i, T0 + i) for i in range(13)], page=2, cap=4, venue_cap=4
    ),
    "polymarket activity, one second holds more than the cap": lambda: polymarket(
        "/activity",
        [pm_row(i, T0) for i in range(13)] + [pm_row(20, T0 + 5)],
        page=2,
        cap=4,
        venue_cap=4,
    ),
    "polymarket activity, the venue's cap is lower than ours (400)": lambda: polymarket(
        "/activity", [pm_row(i, T0 + i) for i in range(9)], page=2, cap=100, venue_cap=2
    ),
    "polymarket trades newest first": lambda: polymarket(
        "/trades", [pm_row(i, T0 + i) for i in range(13)], page=2, cap=4, venue_cap=4
    ),
    "polymarket trades newest first, a crowded second": lambda: polymarket(
        "/trades",
        [pm_row(i, T0 + 50) for i in range(7)] + [pm_row(9, T0 + 1)],
        page=2,
        cap=4,
        venue_cap=4,
    ),
    "polymarket empty": lambda: polymarket("/activity", [], page=2, cap=4, venue_cap=4),
    "hyperliquid forward by time": lambda: hyperliquid(
        [MS0 + 1000 * i for i in range(10)], page_cap=3
    ),
    "hyperliquid a boundary millisecond shared": lambda: hyperliquid(
        [MS0, MS0 + 1, MS0 + 5, MS0 + 5, MS0 + 9, MS0 + 10], page_cap=3
    ),
    "hyperliquid a full page inside one millisecond": lambda: hyperliquid(
        [MS0] * 4 + [MS0 + 1], page_cap=3
    ),
    "hyperliquid history limit": lambda: hyperliquid(
        [MS0 + 1000 * i for i in range(8)], page_cap=2, history_limit=5
    ),
    "hyperliquid empty": lambda: hyperliquid([], page_cap=3),
    "etherscan page x offset, sliding windows": lambda: etherscan(
        FakeEtherscan(
            rows={
                (42161, "tokentx"): etherscan_rows(
                    {b: 4 if b == 110 else 1 + (b % 3 == 0) for b in range(101, 115)}
                )
            }
        ),
        offset=3,
        window=9,
    ),
    "etherscan a short page confirmed from its last block": lambda: etherscan(
        FakeEtherscan(rows={(42161, "tokentx"): etherscan_rows({105: 1, 107: 1})}),
        offset=1000,
        window=10_000,
    ),
    "etherscan rows indexed after a short page": lambda: etherscan(
        GrowingEtherscan(rows={(42161, "tokentx"): etherscan_rows({105: 1})}),
        offset=1000,
        window=10_000,
    ),
    "etherscan the venue's window is smaller": lambda: etherscan(
        FakeEtherscan(
            rows={(42161, "tokentx"): etherscan_rows({b: 2 for b in range(101, 110)})}, window=5
        ),
        offset=5,
        window=15,
    ),
    "etherscan a block bigger than the window": lambda: etherscan(
        FakeEtherscan(rows={(42161, "tokentx"): etherscan_rows({105: 5, 106: 1})}),
        offset=2,
        window=4,
        start=105,
    ),
    "etherscan empty": lambda: etherscan(FakeEtherscan(rows={}), offset=3, window=9, start=500),
    "espn a full range is halved until it fits": lambda: espn(
        {
            "20261101-20261130": 3,
            "20261101-20261115": 3,
            "20261116-20261130": 1,
            "20261101-20261108": 2,
            "20261109-20261115": 2,
        },
        limit=3,
    ),
    "espn down to single days": lambda: espn(
        {
            "20261101-20261130": 2,
            "20261101-20261115": 2,
            "20261101-20261108": 2,
            "20261101-20261104": 2,
            "20261101-20261102": 2,
            "20261101": 2,
        },
        limit=2,
    ),
}


def test_the_recording_covers_every_scenario() -> None:
    if os.environ.get("TRADELAKE_RECORD_PAGING"):
        RECORDED.parent.mkdir(parents=True, exist_ok=True)
        recorded = {name: run() for name, run in SCENARIOS.items()}
        RECORDED.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    assert sorted(json.loads(RECORDED.read_text())) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_client_pages_as_recorded(name: str) -> None:
    expected = json.loads(RECORDED.read_text())[name]
    got = json.loads(json.dumps(SCENARIOS[name]()))
    assert got["requests"] == expected["requests"], "different requests"
    assert got == expected
