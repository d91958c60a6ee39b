"""Writes tests/fixtures/hyperliquid/historical_orders_own.json (issue 15; run: uv run python -m
tests.hyperliquid.make_order_fixtures). Built from the recorded own fills
(user_fills_by_time_own.json): each fill's order with the same oid, coin, side, size and cloid,
`filled` at the fill's time; plus one BTC limit order `canceled` after a partial fill (origSz
0.05, sz 0.02 left) and one ETH limit order still `open` unfilled (newest first, as served).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "hyperliquid"
DOC = (
    "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint"
    "#retrieve-a-users-historical-orders"
)
CANCELED_OID = 310000012360
OPEN_OID = 310000012361


def order(coin, side, px, sz, orig, oid, created, *, status, at, cloid=None, kind="Limit",
          tif="Gtc", reduce_only=False) -> dict:  # fmt: skip
    return {
        "order": {
            "coin": coin, "side": side, "limitPx": px, "sz": sz, "oid": oid,
            "timestamp": created, "triggerCondition": "N/A", "isTrigger": False,
            "triggerPx": "0.0", "children": [], "isPositionTpsl": False,
            "reduceOnly": reduce_only, "orderType": kind, "origSz": orig, "tif": tif,
            "cloid": cloid,
        },
        "status": status,
        "statusTimestamp": at,
    }  # fmt: skip


def main() -> None:
    fills = json.loads((OUT / "user_fills_by_time_own.json").read_text())
    user = fills["request"]["json"]["user"]
    rows = []
    for f in fills["response"]["body"]:
        taker = f["crossed"]
        created = f["time"] - (1_000 if taker else 900_000)
        rows.append(
            order(
                f["coin"],
                f["side"],
                f["px"],
                "0.0",
                f["sz"],
                f["oid"],
                created,
                status="filled",
                at=f["time"],
                cloid=f.get("cloid"),
                tif="Ioc" if taker else "Alo",
            )
        )
    last = fills["response"]["body"][-1]["time"]
    rows.append(order("BTC", "B", "99000.0", "0.02", "0.05", CANCELED_OID, last + 3_600_000,
                      status="canceled", at=last + 7_200_000))  # fmt: skip
    rows.append(order("ETH", "A", "3400.0", "0.5", "0.5", OPEN_OID, last + 10_800_000,
                      status="open", at=last + 10_800_000))  # fmt: skip
    rows.sort(key=lambda r: r["statusTimestamp"], reverse=True)
    data = {
        "doc": DOC,
        "note": "own account's historicalOrders (at most the 2000 most recent): the recorded "
        "fills' orders filled, one canceled after a partial fill, one still open",
        "request": {
            "method": "POST", "path": "/info", "params": {},
            "json": {"type": "historicalOrders", "user": user},
        },
        "response": {"status": 200, "headers": {}, "body": rows},
    }  # fmt: skip
    (OUT / "historical_orders_own.json").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
