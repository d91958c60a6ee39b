"""An in-process Hyperliquid info endpoint with the documented rules.

- POST /info only, JSON body; `type` selects the answer; unknown types -> 422 (plain text, as
  the venue answers a body it cannot deserialize).
- spotMeta: tokens + universe.
- clearinghouseState: the account summary set for `user` in `states` (an empty account, all
  zeros, for any other address, as the venue answers an address that never traded).
- userFillsByTime: fills of `user` with startTime <= time <= endTime (endTime defaults to now),
  oldest first, at most `page_cap` per response; only the `history_limit` most recent fills of
  a user exist at all.
- candleSnapshot: `req.coin`'s candles (set in `candles`) whose open time `t` lies in
  [req.startTime, req.endTime], oldest first, at most `candle_cap` per answer; only the
  `candle_keep` (5000) most recent candles of a coin exist at all (the docs: "Only the most
  recent 5000 candles are available"), so a window older than that answers [] although later
  ones do not.
- userFunding: funding payments of `user` (set in `funding`) with startTime <= time <= endTime,
  oldest first, at most `funding_cap` (500, the info endpoint's time-range cap) per answer.
- metaAndAssetCtxs: `asset_ctxs` as set (`[meta, contexts]`, see meta_and_asset_ctxs()).
- The first `throttle` requests answer 429.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.hyperliquid.make_fixtures import spot_meta


@dataclass
class FakeHyperliquid:
    fills: dict[str, list[dict]] = field(default_factory=dict)  # user -> fills
    page_cap: int = 2000
    history_limit: int = 10_000
    throttle: int = 0
    meta: dict[str, Any] = field(default_factory=spot_meta)
    states: dict[str, Any] = field(default_factory=dict)  # user -> clearinghouseState answer
    candles: dict[str, list[dict]] = field(default_factory=dict)  # coin -> candles
    candle_cap: int = 5000
    candle_keep: int = 5000
    funding: dict[str, list[dict]] = field(default_factory=dict)  # user -> funding payments
    funding_cap: int = 500
    asset_ctxs: Any = None  # the metaAndAssetCtxs answer
    calls: int = 0
    bodies: list[dict] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.throttle:
            return httpx.Response(429, headers={"Retry-After": "0"}, text="rate limited")
        if request.method != "POST" or request.url.path != "/info":
            return httpx.Response(404, text=f"no route {request.method} {request.url.path}")
        try:
            body = json.loads(request.content)
        except ValueError:
            return httpx.Response(422, text="Failed to deserialize the JSON body")
        self.bodies.append(body)
        kind = body.get("type")
        if kind == "spotMeta":
            return self._json(self.meta)
        if kind == "userFillsByTime":
            return self._fills(body)
        if kind == "userFunding":
            return self._funding(body)
        if kind == "candleSnapshot":
            return self._candles(body.get("req") or {})
        if kind == "metaAndAssetCtxs":
            return self._json(self.asset_ctxs or meta_and_asset_ctxs({}))
        if kind == "clearinghouseState":
            return self._json(self.states.get(body.get("user", "").lower(), clearinghouse()))
        return httpx.Response(422, text="Failed to deserialize the JSON body into the target type")

    def _fills(self, body: dict) -> httpx.Response:
        if not isinstance(body.get("startTime"), int):
            return httpx.Response(422, text="startTime must be an integer")
        rows = sorted(self.fills.get(body.get("user", "").lower(), []), key=lambda r: r["time"])
        rows = rows[-self.history_limit :] if self.history_limit else rows
        end = body.get("endTime")
        rows = [
            r for r in rows if r["time"] >= body["startTime"] and (end is None or r["time"] <= end)
        ]
        return self._json(rows[: self.page_cap])

    def _funding(self, body: dict) -> httpx.Response:
        if not isinstance(body.get("startTime"), int):
            return httpx.Response(422, text="startTime must be an integer")
        rows = sorted(self.funding.get(body.get("user", "").lower(), []), key=lambda r: r["time"])
        end = body.get("endTime")
        rows = [
            r for r in rows if r["time"] >= body["startTime"] and (end is None or r["time"] <= end)
        ]
        return self._json(rows[: self.funding_cap])

    def _candles(self, req: dict) -> httpx.Response:
        if not isinstance(req.get("startTime"), int) or req.get("interval") != "1h":
            return httpx.Response(422, text="Failed to deserialize the JSON body")
        kept = sorted(self.candles.get(req.get("coin"), []), key=lambda c: c["t"])
        kept = kept[-self.candle_keep :]
        end = req.get("endTime")
        rows = [c for c in kept if c["t"] >= req["startTime"] and (end is None or c["t"] <= end)]
        return self._json(rows[: self.candle_cap])

    @staticmethod
    def _json(payload: Any) -> httpx.Response:
        return httpx.Response(
            200, content=json.dumps(payload).encode(), headers={"content-type": "application/json"}
        )


def make_fill(i: int, *, time: int, coin: str = "ETH", side: str = "B", **extra) -> dict:
    return {
        "coin": coin,
        "px": "3000.5",
        "sz": "0.1",
        "side": side,
        "time": time,
        "startPosition": "0.0",
        "dir": "Open Long",
        "closedPnl": "0.0",
        "hash": f"0x{i:064x}",
        "oid": 10**12 + i,
        "crossed": True,
        "fee": "0.135",
        "tid": 2**53 + 1 + i,
        "feeToken": "USDC",
        **extra,
    }


def clearinghouse(account_value: str = "0.0", *, time: int | None = 1795176000000, **extra) -> dict:
    """A clearinghouseState answer (docs: info-endpoint/perpetuals, "Retrieve a user's
    perpetuals account summary"): every amount a decimal string, `time` in ms."""
    summary = {
        "accountValue": account_value,
        "totalNtlPos": "0.0",
        "totalRawUsd": account_value,
        "totalMarginUsed": "0.0",
    }
    answer = {
        "assetPositions": [],
        "crossMaintenanceMarginUsed": "0.0",
        "crossMarginSummary": dict(summary),
        "marginSummary": summary,
        "withdrawable": account_value,
        **extra,
    }
    if time is not None:
        answer["time"] = time
    return answer


def make_candle(t: int, *, coin: str = "BTC", n: int = 42, **fields: str) -> dict:
    """A candleSnapshot element: times in ms (T = the hour's last millisecond), strings for
    prices (o, h, l, c) and volume (v), `n` trades; `fields` overrides any of them."""
    prices = {"o": "100", "c": "105", "h": "110", "l": "95", "v": "12.5", **fields}
    return {"t": t, "T": t + 3_599_999, "s": coin, "i": "1h", **prices, "n": n}


def make_position(coin: str = "BTC", szi: str = "0.05", **fields) -> dict:
    """An `assetPositions` element (docs: "Retrieve a user's perpetuals account summary"):
    decimal strings, `leverage.value` an integer, `liquidationPx` possibly null."""
    position = {
        "coin": coin,
        "szi": szi,
        "leverage": {"type": "cross", "value": 10},
        "entryPx": "100000.0",
        "positionValue": "5100.0",
        "unrealizedPnl": "100.0",
        "returnOnEquity": "0.2",
        "liquidationPx": "91000.0",
        "marginUsed": "510.0",
        "maxLeverage": 40,
        "cumFunding": {"allTime": "3.5", "sinceOpen": "1.25", "sinceChange": "0.5"},
        **fields,
    }
    return {"type": "oneWay", "position": position}


def make_funding(time: int, coin: str = "BTC", usdc: str = "-0.55", **fields) -> dict:
    """A userFunding element (docs: "Retrieve a user's funding history or non-funding ledger
    updates"): `usdc` negative when the account paid."""
    delta = {"type": "funding", "coin": coin, "usdc": usdc, "szi": "0.05",
             "fundingRate": "0.0000125", "nSamples": None, **fields}  # fmt: skip
    return {"time": time, "hash": "0x" + "0" * 64, "delta": delta}


def make_asset_ctx(mark: str = "100000.0", **fields) -> dict:
    """A metaAndAssetCtxs context (docs: info-endpoint/perpetuals, "Retrieve perpetuals asset
    contexts"): every number a decimal string; midPx, premium and impactPxs may be null."""
    return {
        "dayNtlVlm": "1169046.29406", "funding": "0.0000125", "impactPxs": ["99990.0", "100010.0"],
        "markPx": mark, "midPx": "100001.0", "openInterest": "688.11", "oraclePx": "100020.0",
        "premium": "0.00031774", "prevDayPx": "98000.0", "dayBaseVlm": "11.69", **fields,
    }  # fmt: skip


def meta_and_asset_ctxs(contexts: dict[str, dict]) -> list:
    """`[meta, contexts]`: the universe lists the coins in order, each context at its index."""
    universe = [
        {"name": coin, "szDecimals": 5, "maxLeverage": 40, "marginTableId": 56} for coin in contexts
    ]
    return [{"universe": universe, "marginTables": []}, list(contexts.values())]
