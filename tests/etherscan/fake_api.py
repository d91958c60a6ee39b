"""An in-process Etherscan V2 (GET /v2/api) answering the documented shapes.

- Envelope {status, message, result}; errors are HTTP 200 with status "0" and the reason in
  `result` (docs: resources/common-error-messages), including the rate limit.
- An empty history is status "0", message "No transactions found", result [].
- txlist / tokentx: rows of blocks [startblock, endblock], sorted ascending, `page`/`offset`
  paging inside a per-query record window (page x offset <= window, else "Result window is
  too large").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

RATE_LIMIT = "Max calls per sec rate limit reached (3/sec)"
WINDOW_ERROR = "Result window is too large, PageNo x Offset size must be less than or equal to {}"
CHAIN_ERROR = (
    "Missing or unsupported chainid parameter (required for v2 api), please see "
    "https://api.etherscan.io/v2/chainlist for the list of supported chainids"
)


def notok(result: str) -> httpx.Response:
    return httpx.Response(200, json={"status": "0", "message": "NOTOK", "result": result})


@dataclass
class FakeEtherscan:
    # (chainid, action) -> rows (each a dict in the documented shape, address already matched)
    rows: dict[tuple[int, str], list[dict]] = field(default_factory=dict)
    chains: tuple[int, ...] = (1, 137, 42161)
    api_key: str = "GOODKEY-0123456789"
    window: int = 10_000
    start_block: int = 100
    rate_limited: int = 0  # the first N calls answer the rate limit as HTTP 200
    calls: list[dict[str, str]] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        q = dict(request.url.params)
        self.calls.append(q)
        if request.url.path != "/v2/api":
            return httpx.Response(404, text="Not Found")
        if len(self.calls) <= self.rate_limited:
            return notok(RATE_LIMIT)
        if q.get("apikey") != self.api_key:
            return notok("Invalid API Key")
        if not q.get("chainid", "").isdigit() or int(q["chainid"]) not in self.chains:
            return notok(CHAIN_ERROR)
        chain, module, action = int(q["chainid"]), q.get("module"), q.get("action")
        if (module, action) == ("block", "getblocknobytime"):
            return httpx.Response(
                200, json={"status": "1", "message": "OK", "result": str(self.start_block)}
            )
        if module == "account" and action in ("txlist", "tokentx"):
            return self._account(chain, action, q)
        return notok("Error! Missing Or invalid Action name")

    def _account(self, chain: int, action: str, q: dict[str, str]) -> httpx.Response:
        page, offset = int(q.get("page", 1)), int(q.get("offset", 10_000))
        if page * offset > self.window:
            return notok(WINDOW_ERROR.format(self.window))
        lo, hi = int(q.get("startblock", 0)), int(q.get("endblock", 10**12))
        rows = [r for r in self.rows.get((chain, action), []) if lo <= _block(r) <= hi]
        rows.sort(key=lambda r: (_block(r), int(r.get("logIndex", 0) or 0)))
        if q.get("sort") == "desc":
            rows.reverse()
        chosen = rows[(page - 1) * offset : page * offset]
        if not chosen:
            return httpx.Response(
                200, json={"status": "0", "message": "No transactions found", "result": []}
            )
        return httpx.Response(200, json={"status": "1", "message": "OK", "result": chosen})


def _block(row: dict[str, Any]) -> int:
    try:
        return int(row["blockNumber"])
    except (KeyError, ValueError, TypeError):
        return -1


def token_row(block: int, n: int, *, wallet: str, incoming: bool = True, **over: Any) -> dict:
    """A tokentx row in the documented shape."""
    other = "0x" + f"{n:040x}"
    row = {
        "blockNumber": str(block),
        "timeStamp": str(1793000000 + block),
        "hash": "0x" + f"{block:032x}{n:032x}",
        "nonce": "1",
        "blockHash": "0x" + f"{block:064x}",
        "from": other if incoming else wallet,
        "contractAddress": "0xaf88d065e77c8cc2239327c5edb3a432268e5831",
        "to": wallet if incoming else other,
        "value": str(1_000_000 * (n + 1)),
        "tokenName": "USD Coin",
        "tokenSymbol": "USDC",
        "tokenDecimal": "6",
        "transactionIndex": "1",
        "gas": "100000",
        "gasPrice": "100000000",
        "gasUsed": "50000",
        "cumulativeGasUsed": "500000",
        "input": "deprecated",
        "confirmations": "100",
        "logIndex": str(n),
    }
    row.update(over)
    return row
