"""An in-process OKX v5 with the documented rules, for paging, auth and error-shape tests.

- Private endpoints check the four OK-ACCESS-* headers the way OKX does: key (50111), passphrase
  (50105), timestamp format and +-30 s skew (50112 / 50102), HMAC-SHA256 signature over
  timestamp + METHOD + path-with-query + body (50113); each answered HTTP 401 with an envelope.
- GET /api/v5/trade/fills serves the last 3 days, /fills-history the last 3 months (instType
  required: 50014); newest first by billId; `after` = older than that billId, `begin` = ts at or
  after; `limit` at most 100 (51000 above).
- GET /api/v5/market/candles serves the latest `recent_keep` bars (OKX: 1,440), limit at most
  300; /market/history-candles every bar, limit at most `history_cap` (100; 51000 above); both
  newest first, `after` = open time earlier than, `before` = later than. With `search_hours`
  set, history looks only that far below `after` (a venue that searches a bounded window): a
  gap in the data longer than that answers an empty page in the middle of the range.
- GET /api/v5/market/ticker, /account/positions, /account/balance answer what is set; GET
  /account/bills (7 days) and /bills-archive (3 months) page like fills, filtered by `type`.
- GET /api/v5/trade/orders-history (orders completed in the last 7 days, by uTime) and
  /orders-history-archive (3 months) page like fills by ordId (`after` = older than that ordId,
  `begin` = cTime at or after; instType required: 50014).
- `throttle` answers that many requests first with the rate-limit envelope code 50011, as HTTP
  429 (`throttle_status=429`) or HTTP 200 (`throttle_status=200`): OKX documents both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ingestion.okx import auth

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PRIVATE = ("/api/v5/account/", "/api/v5/trade/")


@dataclass
class FakeOkx:
    api_key: str
    secret: str
    passphrase: str
    now: datetime
    fills: list[dict] = field(default_factory=list)
    instruments: dict[str, list[dict]] = field(default_factory=dict)
    uid: str = "7104638259104736512"
    candles: dict[str, list[list[str]]] = field(default_factory=dict)
    recent_keep: int = 1440
    history_cap: int = 100
    search_hours: int | None = None
    tickers: dict[str, dict] = field(default_factory=dict)
    positions: list[dict] = field(default_factory=list)
    balance: dict | None = None
    bills: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    throttle: int = 0
    throttle_status: int = 429
    requests: list[httpx.Request] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.throttle > 0:
            self.throttle -= 1
            msg = "Too Many Requests" if self.throttle_status == 429 else (
                "Rate limit reached. Please refer to API documentation and throttle requests "
                "accordingly."
            )  # fmt: skip
            return envelope(self.throttle_status, "50011", msg)
        path = request.url.path
        if path.startswith(PRIVATE):
            refused = self._auth(request)
            if refused is not None:
                self.rejected.append(f"{path}: {refused[1]}")
                return envelope(401, *refused)
        params = request.url.params
        if path == "/api/v5/account/config":
            return envelope(200, "0", "", [{"uid": self.uid, "mainUid": self.uid, "label": "t"}])
        if path == "/api/v5/public/instruments":
            return envelope(200, "0", "", self.instruments.get(params.get("instType", ""), []))
        if path in ("/api/v5/trade/fills", "/api/v5/trade/fills-history"):
            return self._fills(path, params)
        if path in ("/api/v5/market/candles", "/api/v5/market/history-candles"):
            return self._candles(path, params)
        if path == "/api/v5/market/ticker":
            ticker = self.tickers.get(params.get("instId", ""))
            if ticker is None:
                return envelope(400, "51001", "Instrument ID does not exist")
            return envelope(200, "0", "", [ticker])
        if path == "/api/v5/account/positions":
            return envelope(200, "0", "", self.positions)
        if path == "/api/v5/account/balance":
            return envelope(200, "0", "", [] if self.balance is None else [self.balance])
        if path in ("/api/v5/account/bills", "/api/v5/account/bills-archive"):
            return self._bills(path, params)
        if path in ("/api/v5/trade/orders-history", "/api/v5/trade/orders-history-archive"):
            return self._orders(path, params)
        return envelope(404, "50005", f"no route {path}")

    def _auth(self, request: httpx.Request) -> tuple[str, str] | None:
        h = request.headers
        if h.get(auth.KEY_HEADER) != self.api_key:
            return "50111", "Invalid OK-ACCESS-KEY."
        if h.get(auth.PASSPHRASE_HEADER) != self.passphrase:
            return "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.'
        ts = h.get(auth.TIMESTAMP_HEADER, "")
        if not ISO_MS.match(ts):
            return "50112", "Invalid OK-ACCESS-TIMESTAMP."
        sent = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        if abs(sent - datetime.now(UTC)) > timedelta(seconds=30):
            return "50102", "Timestamp request expired."
        if not auth.is_valid(request, self.secret):
            return "50113", "Invalid signature."
        return None

    def _fills(self, path: str, params: httpx.QueryParams) -> httpx.Response:
        history = path.endswith("history")
        inst_type = params.get("instType")
        if history and not inst_type:
            return envelope(400, "50014", "Parameter instType can not be empty.")
        limit = int(params.get("limit", "100"))
        if limit > 100:
            return envelope(400, "51000", "Parameter limit error")
        window = timedelta(days=90 if history else 3)
        floor = int((self.now - window).timestamp() * 1000)
        begin = int(params.get("begin") or 0)
        after = int(params["after"]) if params.get("after") else None
        rows = [
            f
            for f in self.fills
            if (inst_type is None or f["instType"] == inst_type)
            and int(f["ts"]) >= max(floor, begin)
            and (after is None or int(f["billId"]) < after)
        ]
        rows.sort(key=lambda f: int(f["billId"]), reverse=True)
        return envelope(200, "0", "", rows[:limit])

    def _candles(self, path: str, params: httpx.QueryParams) -> httpx.Response:
        history = path.endswith("history-candles")
        limit = int(params.get("limit", "100"))
        if params.get("bar") != "1H":
            return envelope(400, "51000", "Parameter bar error")
        if limit > (self.history_cap if history else 300):
            return envelope(400, "51000", "Parameter limit error")
        rows = sorted(self.candles.get(params.get("instId", ""), []), key=lambda r: -int(r[0]))
        if not history:
            rows = rows[: self.recent_keep]
        after = int(params["after"]) if params.get("after") else None
        before = int(params["before"]) if params.get("before") else None
        if history and after is not None and self.search_hours is not None:
            rows = [r for r in rows if int(r[0]) >= after - self.search_hours * 3_600_000]
        rows = [
            r
            for r in rows
            if (after is None or int(r[0]) < after) and (before is None or int(r[0]) > before)
        ]
        return envelope(200, "0", "", rows[:limit])

    def _bills(self, path: str, params: httpx.QueryParams) -> httpx.Response:
        limit = int(params.get("limit", "100"))
        if limit > 100:
            return envelope(400, "51000", "Parameter limit error")
        window = timedelta(days=90 if path.endswith("archive") else 7)
        floor = int((self.now - window).timestamp() * 1000)
        begin = int(params.get("begin") or 0)
        after = int(params["after"]) if params.get("after") else None
        rows = [
            b
            for b in self.bills
            if (not params.get("type") or b["type"] == params["type"])
            and int(b["ts"]) >= max(floor, begin)
            and (after is None or int(b["billId"]) < after)
        ]
        rows.sort(key=lambda b: int(b["billId"]), reverse=True)
        return envelope(200, "0", "", rows[:limit])

    def _orders(self, path: str, params: httpx.QueryParams) -> httpx.Response:
        inst_type = params.get("instType")
        if not inst_type:
            return envelope(400, "50014", "Parameter instType can not be empty.")
        limit = int(params.get("limit", "100"))
        if limit > 100:
            return envelope(400, "51000", "Parameter limit error")
        window = timedelta(days=90 if path.endswith("archive") else 7)
        floor = int((self.now - window).timestamp() * 1000)
        begin = int(params.get("begin") or 0)
        after = int(params["after"]) if params.get("after") else None
        rows = [
            o
            for o in self.orders
            if o["instType"] == inst_type
            and int(o["uTime"]) >= floor
            and int(o["cTime"]) >= begin
            and (after is None or int(o["ordId"]) < after)
        ]
        rows.sort(key=lambda o: int(o["ordId"]), reverse=True)
        return envelope(200, "0", "", rows[:limit])


def envelope(status: int, code: str, msg: str, data: Any = None) -> httpx.Response:
    body = {"code": code, "msg": msg, "data": [] if data is None else data}
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def make_fill(n: int, *, at: datetime, inst_type: str = "SPOT", **extra: Any) -> dict:
    """A plausible fills record; billId/ordId are 19-digit ids above 2^63."""
    when = str(int(at.timestamp() * 1000))
    return {
        "instType": inst_type,
        "instId": "BTC-USDT" if inst_type == "SPOT" else "BTC-USDT-SWAP",
        "tradeId": str(500000000 + n),
        "ordId": str(9500000000000000000 + n),
        "clOrdId": "",
        "billId": str(9600000000000000000 + n),
        "subType": "1",
        "tag": "",
        "fillPx": "93000.5",
        "fillSz": "0.01" if inst_type == "SPOT" else "3",
        "fillPnl": "0",
        "side": "buy",
        "posSide": "net",
        "execType": "T",
        "feeCcy": "BTC" if inst_type == "SPOT" else "USDT",
        "fee": "-0.00001" if inst_type == "SPOT" else "-0.1395",
        "ts": when,
        "fillTime": when,
        **extra,
    }
