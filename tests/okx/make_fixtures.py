"""Writes tests/fixtures/okx/*.json, the recorded OKX answers the demo and the tests replay.

Run `uv run python -m tests.okx.make_fixtures` after changing it. The dataset (account uid
UID, 2026-11-10..2026-11-22, demo config `accounts.okx: {enabled: true, inst_types: [SPOT, SWAP]}`):
- SPOT BTC-USDT: 103 fills (every fee a charge, OKX sign negative). fills-history answers a full
  page of 100 (newest first) and then a short page of 3 after `after` = the oldest billId of
  page 1; fills (last 3 days) answers the 11-20..11-22 subset again (loader no-ops).
- SWAP: a maker rebate (positive OKX fee), an ETH short opened and closed with fillPnl, a
  position flip (one order, two bills: close long 10 + open short 15, same tradeId), and a
  liquidation of the short (subType 105, execType "", negative tradeId). fills (last 3 days)
  answers an empty page.
- instruments SPOT (BTC-USDT, ETH-USDT) and SWAP (BTC-USDT-SWAP, ETH-USDT-SWAP, BTC-USD-SWAP).
Every billId / ordId has 19 digits and exceeds 2^63: it must survive as exact text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "okx"
DOCS = "https://www.okx.com/docs-v5/en/"
DOC_RECENT = DOCS + "#order-book-trading-trade-get-transaction-details-last-3-days"
DOC_HISTORY = DOCS + "#order-book-trading-trade-get-transaction-details-last-3-months"
DOC_INSTRUMENTS = DOCS + "#public-data-rest-api-get-instruments"
DOC_CONFIG = DOCS + "#trading-account-rest-api-get-account-configuration"

UID = "7104638259104736512"
SPOT_FILLS = 103
SPOT_START = datetime(2026, 11, 10, 0, 5, tzinfo=UTC)
SPOT_STEP = timedelta(hours=2, minutes=55)
RECENT_FROM = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 3 days before the tests' clock
TAKER, MAKER = Decimal("0.001"), Decimal("0.0008")  # spot fee rates (charges)


def ms(at: datetime) -> str:
    return str(int(at.timestamp() * 1000))


def bill_id(n: int) -> str:
    return str(9300000000000000000 + n * 7919)


def order_id(n: int) -> str:
    return str(9400000000000000000 + n * 104729)


def fill(**f) -> dict:
    """A fills record with every documented field (OKX sends "" where not applicable)."""
    at: datetime = f.pop("at")
    base = {
        "instType": "SPOT", "instId": "BTC-USDT", "tradeId": "", "ordId": "", "clOrdId": "",
        "billId": "", "subType": "", "tag": "", "fillPx": "", "fillSz": "", "fillIdxPx": "",
        "fillPnl": "0", "fillPxVol": "", "fillPxUsd": "", "fillMarkVol": "", "fillFwdPx": "",
        "fillMarkPx": "", "side": "", "posSide": "net", "execType": "T", "feeCcy": "", "fee": "",
        "ts": ms(at + timedelta(milliseconds=1)), "fillTime": ms(at), "feeRate": "",
        "tradeQuoteCcy": "USDT",
    }  # fmt: skip
    return {**base, **f}


def spot_fills() -> list[dict]:
    rows = []
    for n in range(SPOT_FILLS):
        at = SPOT_START + n * SPOT_STEP
        px = Decimal("91250.0") + Decimal(n * 37 % 900) + Decimal("0.1") * (n % 10)
        sz = Decimal("0.00150000") + Decimal("0.00012345") * (n % 7)
        buy, maker = n % 2 == 0, n % 5 == 0
        rate = MAKER if maker else TAKER
        # fee in the currency received: BTC on a buy, USDT on a sell (account feeType 0)
        charged = sz * rate if buy else sz * px * rate
        fee = -charged.quantize(Decimal("1e-10") if buy else Decimal("1e-8"))
        rows.append(
            fill(
                at=at, instType="SPOT", instId="BTC-USDT", billId=bill_id(n + 1),
                ordId=order_id(n + 1), tradeId=str(744876980 + n * 13),
                clOrdId=f"tl{n + 1:04d}", subType="1" if buy else "2", fillPx=str(px),
                fillSz=str(sz), fillIdxPx=str(px + Decimal("1.5")), side="buy" if buy else "sell",
                execType="M" if maker else "T", feeCcy="BTC" if buy else "USDT", fee=str(fee),
                feeRate=str(-rate),
            )
        )  # fmt: skip
    return rows


def swap_fills() -> list[dict]:
    def swap(n: int, at: datetime, **f) -> dict:
        return fill(at=at, instType="SWAP", billId=bill_id(1000 + n), feeCcy="USDT", **f)

    flip = datetime(2026, 11, 16, 14, 30, 5, 250000, tzinfo=UTC)
    return [
        swap(1, datetime(2026, 11, 11, 9, 15, tzinfo=UTC), instId="BTC-USDT-SWAP",
             ordId=order_id(1001), tradeId="1877001234", side="buy", subType="3",
             fillPx="92000.1", fillSz="10", execType="M", fee="0.04600005",
             fillMarkPx="91998.7"),  # maker rebate: OKX fee positive
        swap(2, datetime(2026, 11, 12, 16, 40, tzinfo=UTC), instId="ETH-USDT-SWAP",
             ordId=order_id(1002), tradeId="1204400001", side="sell", subType="4",
             fillPx="3105.42", fillSz="25", fee="-3.881775", fillMarkPx="3105.10"),
        swap(3, datetime(2026, 11, 14, 8, 2, tzinfo=UTC), instId="ETH-USDT-SWAP",
             ordId=order_id(1003), tradeId="1204498765", side="buy", subType="6",
             fillPx="3050.10", fillSz="25", fee="-3.812625", fillPnl="138.3",
             fillMarkPx="3050.31"),
        # position flip, one order: closes the 10-contract long, opens a 15-contract short
        swap(4, flip, instId="BTC-USDT-SWAP", ordId=order_id(1004), tradeId="1877099999",
             side="sell", subType="5", fillPx="93500.5", fillSz="10", fee="-4.675025",
             fillPnl="150.004", fillMarkPx="93501.2"),
        swap(5, flip, instId="BTC-USDT-SWAP", ordId=order_id(1004), tradeId="1877099999",
             side="sell", subType="4", fillPx="93500.5", fillSz="15", fee="-7.0125375",
             fillMarkPx="93501.2"),
        # the short is liquidated: system order, no maker/taker, negative tradeId
        swap(6, datetime(2026, 11, 18, 3, 12, 44, tzinfo=UTC), instId="BTC-USDT-SWAP",
             ordId=order_id(1006), tradeId="-1877123456", side="buy", subType="105",
             execType="", fillPx="97850", fillSz="15", fee="-7.33875", fillPnl="-652.425",
             fillMarkPx="97848.3"),
    ]  # fmt: skip


def recording(doc: str, note: str, path: str, params: dict, body: dict) -> dict:
    return {
        "doc": doc,
        "note": note,
        "request": {"method": "GET", "path": path, "params": params, "json": None},
        "response": {"status": 200, "headers": {}, "body": body},
    }


def ok(data: list) -> dict:
    return {"code": "0", "msg": "", "data": data}


def instrument(**i) -> dict:
    base = {
        "alias": "", "baseCcy": "", "category": "1", "ctMult": "", "ctType": "", "ctVal": "",
        "ctValCcy": "", "contTdSwTime": "", "expTime": "", "futureSettlement": False,
        "groupId": "1", "instFamily": "", "instId": "", "instType": "", "lever": "",
        "listTime": "1606468572000", "lotSz": "", "maxIcebergSz": "", "maxLmtAmt": "",
        "maxLmtSz": "", "maxMktAmt": "", "maxMktSz": "", "maxStopSz": "", "maxTriggerSz": "",
        "maxTwapSz": "", "minSz": "", "optType": "", "openType": "", "preMktSwTime": "",
        "quoteCcy": "", "tradeQuoteCcyList": [], "settleCcy": "", "state": "live",
        "ruleType": "normal", "stk": "", "tickSz": "", "uly": "", "instIdCode": 1000000000,
        "instCategory": "1", "upcChg": [],
    }  # fmt: skip
    return {**base, **i}


def instruments() -> dict[str, list[dict]]:
    spot = dict(instType="SPOT", lotSz="0.00000001", minSz="0.00001", lever="10")
    swap = dict(instType="SWAP", ctMult="1", lotSz="0.01", minSz="0.01", lever="100")
    return {
        "SPOT": [
            instrument(**spot, instId="BTC-USDT", baseCcy="BTC", quoteCcy="USDT", tickSz="0.1",
                       tradeQuoteCcyList=["USDT"], instIdCode=1000001),
            instrument(**spot, instId="ETH-USDT", baseCcy="ETH", quoteCcy="USDT",
                       tickSz="0.01", tradeQuoteCcyList=["USDT"], instIdCode=1000002),
        ],
        "SWAP": [
            instrument(**swap, instId="BTC-USDT-SWAP", instFamily="BTC-USDT", uly="BTC-USDT",
                       settleCcy="USDT", ctVal="0.01", ctValCcy="BTC", ctType="linear",
                       tickSz="0.1", groupId="2", instIdCode=2000001),
            instrument(**swap, instId="ETH-USDT-SWAP", instFamily="ETH-USDT", uly="ETH-USDT",
                       settleCcy="USDT", ctVal="0.1", ctValCcy="ETH", ctType="linear",
                       tickSz="0.01", groupId="2", instIdCode=2000002),
            instrument(**swap, instId="BTC-USD-SWAP", instFamily="BTC-USD", uly="BTC-USD",
                       settleCcy="BTC", ctVal="100", ctValCcy="USD", ctType="inverse",
                       tickSz="0.1", groupId="1", instIdCode=2000003),
        ],
    }  # fmt: skip


def account_config() -> dict:
    return {
        "acctLv": "2", "acctStpMode": "cancel_maker", "autoLoan": False, "ctIsoMode": "automatic",
        "enableSpotBorrow": False, "greeksType": "PA", "feeType": "0", "ip": "", "type": "0",
        "kycLv": "3", "label": "tradelake-read-only", "level": "Lv1", "levelTmp": "",
        "liquidationGear": "-1", "mainUid": UID, "mgnIsoMode": "automatic", "opAuth": "0",
        "perm": "read_only", "posMode": "net_mode", "roleType": "0",
        "spotBorrowAutoRepay": False, "spotOffsetType": "", "spotRoleType": "0",
        "spotTraderInsts": [], "stgyType": "0", "traderInsts": [], "uid": UID,
        "settleCcy": "USDT", "settleCcyList": ["USD", "USDC", "USDG"],
    }  # fmt: skip


def recordings() -> dict[str, dict]:
    spot = sorted(spot_fills(), key=lambda r: int(r["billId"]), reverse=True)  # newest first
    page1, page2 = spot[:100], spot[100:]
    recent_spot = [r for r in spot if int(r["fillTime"]) >= int(ms(RECENT_FROM))]
    swap = sorted(swap_fills(), key=lambda r: int(r["billId"]), reverse=True)
    hist = "/api/v5/trade/fills-history"
    recent = "/api/v5/trade/fills"
    first = {"limit": "100", "after": None}
    inst = instruments()
    return {
        "account_config.json": recording(
            DOC_CONFIG, "account configuration: uid identifies the account",
            "/api/v5/account/config", {}, ok([account_config()])),
        "fills_history_spot_p1.json": recording(
            DOC_HISTORY, "SPOT fills, newest 100 (a full page: `after` continues)", hist,
            {"instType": "SPOT", **first}, ok(page1)),
        "fills_history_spot_p2.json": recording(
            DOC_HISTORY, "SPOT fills older than page 1's oldest billId: 3 (short page = end)",
            hist, {"instType": "SPOT", "limit": "100", "after": page1[-1]["billId"]}, ok(page2)),
        "fills_recent_spot_p1.json": recording(
            DOC_RECENT, "SPOT fills of the last 3 days (also in the history answer)", recent,
            {"instType": "SPOT", **first}, ok(recent_spot)),
        "fills_history_swap_p1.json": recording(
            DOC_HISTORY, "SWAP fills: maker rebate, ETH round trip, position flip (two bills, "
            "one tradeId), liquidation (subType 105)", hist, {"instType": "SWAP", **first},
            ok(swap)),
        "fills_recent_swap_empty.json": recording(
            DOC_RECENT, "no SWAP fill in the last 3 days: empty data", recent,
            {"instType": "SWAP", **first}, ok([])),
        "instruments_spot.json": recording(
            DOC_INSTRUMENTS, "SPOT instruments (ctVal etc. are \"\" for spot)",
            "/api/v5/public/instruments", {"instType": "SPOT"}, ok(inst["SPOT"])),
        "instruments_swap.json": recording(
            DOC_INSTRUMENTS, "SWAP instruments: two linear (ctVal in base), one inverse "
            "(ctVal in USD)", "/api/v5/public/instruments", {"instType": "SWAP"},
            ok(inst["SWAP"])),
    }  # fmt: skip


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in recordings().items():
        (OUT / name).write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
