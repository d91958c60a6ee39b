"""Writes tests/fixtures/okx/orders_*.json, the recorded own-order answers (issue 15).

Run `uv run python -m tests.okx.make_order_fixtures` after changing it (or the fills of
tests/okx/make_fixtures.py: the orders are built from them). Every order the recorded fills
reference is there with the same ordId, clOrdId, side, size and fee (sum of its fills); plus:
- the newest SPOT order (clOrdId tl0103) is still `partially_filled`: sz twice its one fill;
- one SWAP limit order that was `canceled` unfilled (accFillSz 0, avgPx "").
Completed orders of 3 months: orders-history-archive answers SPOT in two pages (a full page of
100, newest first by ordId, then 3 after `after` = the oldest ordId of page 1) and SWAP in one;
orders-history (7 days) answers the orders created since 2026-11-16 12:00 again (no-ops).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tests.okx.make_fixtures import ms, ok, recording, spot_fills, swap_fills

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "okx"
DOCS = "https://www.okx.com/docs-v5/en/"
DOC_RECENT = DOCS + "#order-book-trading-trade-get-order-history-last-7-days"
DOC_ARCHIVE = DOCS + "#order-book-trading-trade-get-order-history-last-3-months"
RECENT_FROM = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # 7 days before the tests' clock
CANCELED_ID = "9400000000200000001"
PARTIAL_CLORD = "tl0103"


def order(**o) -> dict:
    """An orders-history record with every documented field ("" where not applicable)."""
    base = {
        "instType": "", "instId": "", "tgtCcy": "", "ccy": "", "ordId": "", "clOrdId": "",
        "tag": "", "px": "", "pxUsd": "", "pxVol": "", "pxType": "", "sz": "", "ordType": "",
        "side": "", "posSide": "net", "tdMode": "cash", "accFillSz": "0", "fillPx": "",
        "tradeId": "", "fillSz": "", "fillTime": "", "avgPx": "", "state": "", "lever": "",
        "attachAlgoClOrdId": "", "tpTriggerPx": "", "tpTriggerPxType": "", "tpOrdPx": "",
        "slTriggerPx": "", "slTriggerPxType": "", "slOrdPx": "", "attachAlgoOrds": [],
        "linkedAlgoOrd": {"algoId": ""}, "stpId": "", "stpMode": "cancel_maker", "feeCcy": "",
        "fee": "", "source": "", "rebateCcy": "", "rebate": "0", "pnl": "0",
        "category": "normal", "reduceOnly": "false", "cancelSource": "",
        "cancelSourceReason": "", "algoClOrdId": "", "algoId": "", "isTpLimit": "false",
        "uTime": "", "cTime": "", "tradeQuoteCcy": "USDT",
    }  # fmt: skip
    return {**base, **o}


def orders_of(fills: list[dict]) -> list[dict]:
    by_order: dict[str, list[dict]] = defaultdict(list)
    for f in fills:
        by_order[f["ordId"]].append(f)
    out = []
    for ord_id, fs in by_order.items():
        f0 = fs[0]
        size = sum(Decimal(f["fillSz"]) for f in fs)
        notional = sum(Decimal(f["fillSz"]) * Decimal(f["fillPx"]) for f in fs)
        fee = sum(Decimal(f["fee"]) for f in fs)
        first = min(int(f["fillTime"]) for f in fs)
        last = max(int(f["fillTime"]) for f in fs)
        liquidation = f0["subType"] == "105"
        maker = f0["execType"] == "M"
        created = first - (600_000 if maker else 2_000)  # a maker rested 10 min, a taker 2 s
        swap = f0["instType"] == "SWAP"
        sz, state = size, "filled"
        if f0["clOrdId"] == PARTIAL_CLORD:
            sz, state = size * 2, "partially_filled"
        out.append(
            order(
                instType=f0["instType"], instId=f0["instId"], ordId=ord_id,
                clOrdId=f0["clOrdId"], side=f0["side"], posSide=f0["posSide"],
                tdMode="cross" if swap else "cash",
                ordType="market" if liquidation else ("post_only" if maker else "limit"),
                px="" if liquidation else f0["fillPx"], sz=str(sz), accFillSz=str(size),
                avgPx=str((notional / size).quantize(Decimal("0.00000001")).normalize()),
                fillPx=fs[-1]["fillPx"], fillSz=fs[-1]["fillSz"], tradeId=fs[-1]["tradeId"],
                fillTime=str(last), state=state, feeCcy=f0["feeCcy"], fee=str(fee),
                lever="3" if swap else "",
                pnl=str(sum(Decimal(f["fillPnl"] or "0") for f in fs)),
                category="full_liquidation" if liquidation else "normal",
                cTime=str(created), uTime=str(last),
            )
        )  # fmt: skip
    return out


def canceled() -> dict:
    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    return order(
        instType="SWAP", instId="ETH-USDT-SWAP", ordId=CANCELED_ID, clOrdId="tlcancel1",
        side="buy", tdMode="cross", ordType="limit", px="2900.5", sz="7", state="canceled",
        feeCcy="USDT", fee="0", lever="3", cancelSource="1", cTime=ms(at),
        uTime=ms(at + timedelta(minutes=5)),
    )  # fmt: skip


def recordings() -> dict[str, dict]:
    def newest_first(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=lambda r: int(r["ordId"]), reverse=True)

    spot = newest_first(orders_of(spot_fills()))
    swap = newest_first([*orders_of(swap_fills()), canceled()])
    page1, page2 = spot[:100], spot[100:]
    recent = [r for r in spot + swap if int(r["cTime"]) >= int(ms(RECENT_FROM))]
    archive, hist = "/api/v5/trade/orders-history-archive", "/api/v5/trade/orders-history"
    first = {"limit": "100", "after": None}
    return {
        "orders_archive_spot_p1.json": recording(
            DOC_ARCHIVE, "SPOT orders, newest 100 by ordId (a full page: `after` continues)",
            archive, {"instType": "SPOT", **first}, ok(page1)),
        "orders_archive_spot_p2.json": recording(
            DOC_ARCHIVE, "SPOT orders older than page 1's oldest ordId (short page = end)",
            archive, {"instType": "SPOT", "limit": "100", "after": page1[-1]["ordId"]},
            ok(page2)),
        "orders_archive_swap_p1.json": recording(
            DOC_ARCHIVE, "SWAP orders: the fills' orders (flip = one order of two bills, a "
            "liquidation) and one limit order canceled unfilled",
            archive, {"instType": "SWAP", **first}, ok(swap)),
        "orders_recent_spot_p1.json": recording(
            DOC_RECENT, "SPOT orders of the last 7 days (again: no-ops); the newest is "
            "partially_filled", hist, {"instType": "SPOT", **first},
            ok([r for r in recent if r["instType"] == "SPOT"])),
        "orders_recent_swap_p1.json": recording(
            DOC_RECENT, "SWAP orders of the last 7 days (again: no-ops)",
            hist, {"instType": "SWAP", **first},
            ok([r for r in recent if r["instType"] == "SWAP"])),
    }  # fmt: skip


def main() -> None:
    for name, data in recordings().items():
        (OUT / name).write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
