"""An in-process Polymarket (Gamma + Data + CLOB) with the documented paging rules and defaults.

- Gamma keyset: `after_cursor` continues, `next_cursor` is absent on the last page, `offset` is
  a 400, `closed` defaults to false (closed markets hidden unless asked for).
- Data: `/trades` defaults to takerOnly=true (maker rows hidden), offsets past the cap are a
  400, `start`/`end` (inclusive epoch seconds) filter, `limit` is clamped.
- Data `/value?user=`: the answer set in `values` for that user (as given: the documented
  array of {user, value}, or any other shape a test wants to try), else `[]`.
- Any route answers 429 to its first `throttle` requests.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class FakePolymarket:
    markets: list[dict] = field(default_factory=list)
    trades: list[dict] = field(default_factory=list)  # each may carry "_maker": True
    activity: list[dict] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # user -> /value answer
    trades_cap: int = 10_000
    activity_cap: int = 5_000
    gamma_page: int = 2
    throttle: int = 0
    calls: Counter = field(default_factory=Counter)
    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        self.calls[path] += 1
        if self.calls[path] <= self.throttle:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "slow down"})
        q = request.url.params
        if path == "/markets/keyset":
            return self._keyset(q)
        if path in ("/trades", "/activity"):
            return self._data(path, q)
        if path == "/value":
            answer = self.values.get(q.get("user", "").lower(), [])
            return httpx.Response(200, content=json.dumps(answer).encode())
        return httpx.Response(404, json={"error": f"no route {path}"})

    def _keyset(self, q) -> httpx.Response:
        if "offset" in q:
            return httpx.Response(400, json={"error": "offset is not supported; use after_cursor"})
        closed = q.get("closed", "false") == "true"
        rows = [m for m in self.markets if bool(m.get("closed")) == closed]
        if "slug" in q:
            rows = [m for m in rows if m.get("slug") == q["slug"]]
        start = int(q.get("after_cursor") or 0)
        limit = min(int(q.get("limit", 20)), self.gamma_page)
        page = rows[start : start + limit]
        body: dict[str, Any] = {"markets": page}
        if start + limit < len(rows):
            body["next_cursor"] = str(start + limit)
        return httpx.Response(200, json=body)

    def _data(self, path: str, q) -> httpx.Response:
        cap = self.trades_cap if path == "/trades" else self.activity_cap
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", 100))
        if offset > cap:
            return httpx.Response(400, json={"error": f"offset {offset} exceeds {cap}"})
        rows = self.trades if path == "/trades" else self.activity
        rows = [r for r in rows if r["proxyWallet"] == q.get("user")]
        if path == "/trades" and q.get("takerOnly", "true") != "false":
            rows = [r for r in rows if not r.get("_maker")]
        if "start" in q:
            rows = [r for r in rows if r["timestamp"] >= int(q["start"])]
        if "end" in q:
            rows = [r for r in rows if r["timestamp"] <= int(q["end"])]
        rows = sorted(rows, key=lambda r: r["timestamp"], reverse=path == "/trades")
        page = [
            {k: v for k, v in r.items() if not k.startswith("_")}
            for r in rows[offset : offset + limit]
        ]
        return httpx.Response(
            200, content=json.dumps(page).encode(), headers={"content-type": "application/json"}
        )
