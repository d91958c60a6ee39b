"""Writes the OKX market and account recordings (run: uv run python -m
tests.okx.make_market_fixtures): candles, tickers, positions, balance and funding bills of the
demo (markets.okx.instruments: BTC-USDT, ETH-USDT-SWAP; account uid UID).

Candles: hourly, 2026-10-01 00:00 .. 2026-11-23 12:00 UTC (1,285 per instrument; ATR(14) and
the 30-day medians of marts.market_states exist from 2026-10-31 on), a deterministic random walk;
the last candle (12:00, the tests' clock) is still open (`confirm` "0"). Recorded as the sync
asks, newest first: /market/candles (limit 300) answers the latest 900 in three pages and then
an empty page (as past its 1,440-bar keep), /market/history-candles (limit 100) the 385 older in
four pages; any other `after` answers an empty page (before the recorded history: the walk goes
on to sync_start and stops). BTC-USDT volume is `vol` (BTC); ETH-USDT-SWAP `vol` counts contracts
of 0.1 ETH, so `volCcy` (ETH) = vol / 10.

Account: one ETH-USDT-SWAP position in net mode (the demo account's posMode), pos 25 contracts
(2.5 ETH) long, entry 3400, marked at the last ETH close; balance USDT + BTC; six funding bills
2026-11-21 00:00 .. 2026-11-22 16:00 every 8 hours (five paid, subType 173; one received, 174).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.okx.make_fixtures import DOCS, OUT, UID, ms, ok, recording

DOC_CANDLES = DOCS + "#order-book-trading-market-data-get-candlesticks"
DOC_HISTORY = DOCS + "#order-book-trading-market-data-get-candlesticks-history"
DOC_TICKER = DOCS + "#order-book-trading-market-data-get-ticker"
DOC_POSITIONS = DOCS + "#trading-account-rest-api-get-positions"
DOC_BALANCE = DOCS + "#trading-account-rest-api-get-balance"
DOC_BILLS = DOCS + "#trading-account-rest-api-get-bills-details-last-7-days"
DOC_ARCHIVE = DOCS + "#trading-account-rest-api-get-bills-details-last-3-months"

FIRST = datetime(2026, 10, 1, tzinfo=UTC)
LAST = datetime(2026, 11, 23, 12, tzinfo=UTC)
RECENT_KEEP = 900
INSTRUMENTS = {  # instId: (first open, tick, usual base volume per hour, contract value)
    "BTC-USDT": (Decimal("95000"), Decimal("0.1"), Decimal("80"), None),
    "ETH-USDT-SWAP": (Decimal("3500"), Decimal("0.01"), Decimal("3000"), Decimal("0.1")),
}
POSITION_CONTRACTS, ENTRY = Decimal("25"), Decimal("3400")


def candles(inst_id: str) -> list[list[str]]:
    """Oldest first; each [ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm] as OKX sends it."""
    price, tick, usual, ct_val = INSTRUMENTS[inst_id]
    rng = random.Random(f"tradelake-13-okx-{inst_id}")
    rows, at = [], FIRST
    while at <= LAST:
        move = Decimal(str(round(rng.gauss(0, 0.004), 5)))
        close = (price * (1 + move)).quantize(tick)
        wick = Decimal(str(round(abs(rng.gauss(0, 0.002)), 5)))
        high = (max(price, close) * (1 + wick)).quantize(tick)
        low = (min(price, close) * (1 - wick)).quantize(tick)
        base = (usual * Decimal(str(round(rng.uniform(0.7, 1.3), 3)))).quantize(Decimal("0.001"))
        quote = (base * (high + low + close) / 3).quantize(Decimal("0.01"))
        if ct_val is None:  # SPOT: vol in base, volCcy in quote
            vol, vol_ccy = base, quote
        else:  # SWAP: vol in contracts, volCcy in base
            vol, vol_ccy = (base / ct_val).quantize(Decimal("1")), base
        confirm = "0" if at == LAST else "1"
        rows.append([ms(at), str(price), str(high), str(low), str(close), str(vol), str(vol_ccy),
                     str(quote), confirm])  # fmt: skip
        price, at = close, at + timedelta(hours=1)
    return rows


def candle_recordings(inst_id: str) -> dict[str, dict]:
    rows = candles(inst_id)[::-1]  # newest first
    recent, older = rows[:RECENT_KEEP], rows[RECENT_KEEP:]
    slug = inst_id.lower().replace("-", "_")
    out: dict[str, dict] = {}
    base = {"instId": inst_id, "bar": "1H"}
    after = None
    for i in range(0, len(recent), 300):
        page = recent[i : i + 300]
        out[f"candles_{slug}_p{i // 300 + 1}.json"] = recording(
            DOC_CANDLES, f"{inst_id} 1H candles, newest first, page {i // 300 + 1} of /candles"
            + (" (the open hour first, confirm 0)" if after is None else ""),
            "/api/v5/market/candles", {**base, "limit": "300", "after": after}, ok(page),
        )  # fmt: skip
        after = page[-1][0]
    out[f"candles_{slug}_empty.json"] = recording(
        DOC_CANDLES, f"{inst_id}: /candles keeps only the latest bars: any older `after` answers "
        "an empty page (the sync then asks /history-candles from the same `after`)",
        "/api/v5/market/candles", base, ok([]))  # fmt: skip
    for i in range(0, len(older), 100):
        page = older[i : i + 100]
        out[f"history_candles_{slug}_p{i // 100 + 1}.json"] = recording(
            DOC_HISTORY, f"{inst_id} 1H candles older than `after`, page {i // 100 + 1}",
            "/api/v5/market/history-candles", {**base, "limit": "100", "after": after},
            ok(page),
        )  # fmt: skip
        after = page[-1][0]
    out[f"history_candles_{slug}_empty.json"] = recording(
        DOC_HISTORY, f"{inst_id}: nothing recorded before 2026-10-01: every older `after` "
        "answers an empty page (the sync walks on to sync_start, 100 hours a step)",
        "/api/v5/market/history-candles", base, ok([]))  # fmt: skip
    return out


def last_close(inst_id: str) -> Decimal:
    return Decimal(candles(inst_id)[-1][4])


def ticker(inst_id: str, inst_type: str, half_spread: Decimal, sz: str) -> dict:
    last = last_close(inst_id)
    at = LAST - timedelta(milliseconds=150)
    return {
        "instType": inst_type, "instId": inst_id, "last": str(last), "lastSz": sz,
        "askPx": str(last + half_spread), "askSz": "1.5", "bidPx": str(last - half_spread),
        "bidSz": "2.25", "open24h": str(last - 100 * half_spread),
        "high24h": str(last + 300 * half_spread), "low24h": str(last - 300 * half_spread),
        "volCcy24h": "123456789.5", "vol24h": "1500.25", "sodUtc0": str(last), "sodUtc8": str(last),
        "ts": ms(at),
    }  # fmt: skip


def position() -> dict:
    mark = last_close("ETH-USDT-SWAP")
    eth = POSITION_CONTRACTS * Decimal("0.1")
    upl = ((mark - ENTRY) * eth).quantize(Decimal("0.0001"))
    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    return {
        "adl": "1", "availPos": "", "avgPx": str(ENTRY), "baseBal": "", "baseBorrowed": "",
        "baseInterest": "", "bePx": "3401.7", "bizRefId": "", "bizRefType": "",
        "cTime": ms(at), "ccy": "USDT", "clSpotInUseAmt": "", "closeOrderAlgo": [],
        "deltaBS": "", "deltaPA": "", "fee": "-4.25", "fundingFee": "-1.6", "gammaBS": "",
        "gammaPA": "", "hedgedPos": "", "idxPx": str(mark),
        "imr": str((mark * eth / 5).quantize(Decimal("0.0001"))),
        "instId": "ETH-USDT-SWAP", "instType": "SWAP", "interest": "", "last": str(mark),
        "lever": "5", "liab": "", "liabCcy": "", "liqPenalty": "0", "liqPx": "2745.12",
        "margin": "", "markPx": str(mark), "maxSpotInUseAmt": "", "mgnMode": "cross",
        "mgnRatio": "45.3", "mmr": "3.4", "nonSettleAvgPx": "", "notionalUsd": str(mark * eth),
        "optVal": "", "pendingCloseOrdLiabVal": "", "pnl": "0", "pos": str(POSITION_CONTRACTS),
        "posCcy": "", "posId": "2016491856000000001", "posSide": "net", "quoteBal": "",
        "quoteBorrowed": "", "quoteInterest": "", "realizedPnl": "-5.85", "settledPnl": "",
        "spotInUseAmt": "", "spotInUseCcy": "", "thetaBS": "", "thetaPA": "",
        "tradeId": "812345678", "uTime": ms(datetime(2026, 11, 22, 16, tzinfo=UTC)),
        "upl": str(upl), "uplLastPx": str(upl), "uplRatio": "0.0925", "uplRatioLastPx": "0.0925",
        "usdPx": "1", "vegaBS": "", "vegaPA": "",
    }  # fmt: skip


def balance() -> dict:
    btc_usd = (Decimal("0.0523") * last_close("BTC-USDT")).quantize(Decimal("0.01"))
    upl = Decimal(position()["upl"])
    usdt_eq = Decimal("12500.75") + upl
    at = ms(LAST - timedelta(minutes=1))
    detail = {
        "accAvgPx": "", "autoLendMtAmt": "0", "autoLendStatus": "off", "availEq": "",
        "borrowFroz": "", "clSpotInUseAmt": "", "colBorrAutoConversion": "0", "colRes": "0",
        "collateralEnabled": False, "collateralRestrict": False, "crossLiab": "", "disEq": "",
        "fixedBal": "0", "frpType": "0", "imr": "", "interest": "", "isoEq": "0",
        "isoLiab": "", "isoUpl": "0", "liab": "", "maxLoan": "", "maxSpotInUse": "",
        "mgnRatio": "", "mmr": "", "notionalLever": "0", "openAvgPx": "", "ordFrozen": "0",
        "rewardBal": "0", "smtSyncEq": "0", "spotBal": "", "spotCopyTradingEq": "0",
        "spotInUseAmt": "", "spotIsoBal": "0", "spotUpl": "", "spotUplRatio": "", "stgyEq": "0",
        "totalPnl": "", "totalPnlRatio": "", "twap": "0", "uTime": at, "uplLiab": "",
    }  # fmt: skip
    return {
        "adjEq": "", "availEq": "", "borrowFroz": "", "delta": "", "deltaLever": "",
        "deltaNeutralStatus": "0", "imr": "", "isoEq": "0", "mgnRatio": "", "mmr": "",
        "notionalUsd": "", "notionalUsdForBorrow": "", "notionalUsdForFutures": "",
        "notionalUsdForOption": "", "notionalUsdForSwap": "", "ordFroz": "", "upl": "",
        "totalEq": str(usdt_eq + btc_usd), "uTime": at,
        "details": [
            {**detail, "ccy": "USDT", "eq": str(usdt_eq), "cashBal": "12500.75",
             "eqUsd": str(usdt_eq), "upl": str(upl), "availBal": "12000.75",
             "frozenBal": "500", "availEq": str(usdt_eq)},
            {**detail, "ccy": "BTC", "eq": "0.0523", "cashBal": "0.0523", "eqUsd": str(btc_usd),
             "upl": "0", "availBal": "0.0523", "frozenBal": "0", "availEq": "0.0523"},
        ],
    }  # fmt: skip


def funding_bills() -> list[dict]:
    """Newest first. balChg negative = paid (subType 173), positive = received (174)."""
    changes = ["-0.2851", "-0.3102", "0.0815", "-0.2977", "-0.3314", "-0.2890"]
    out, bal = [], Decimal("12500.75")
    for n, change in enumerate(changes):
        at = datetime(2026, 11, 21, tzinfo=UTC) + n * timedelta(hours=8)
        paid = change.startswith("-")
        out.append({
            "bal": str(bal), "balChg": change, "billId": str(9800000000000000000 + n * 104729),
            "ccy": "USDT", "clOrdId": "", "earnAmt": "", "earnApr": "", "execType": "",
            "fee": "0", "fillFwdPx": "", "fillIdxPx": "", "fillMarkPx": "", "fillMarkVol": "",
            "fillPxUsd": "", "fillPxVol": "", "fillTime": "", "from": "",
            "instId": "ETH-USDT-SWAP", "instType": "SWAP", "interest": "0", "mgnMode": "cross",
            "notes": "", "ordId": "", "pnl": change, "posBal": "0", "posBalChg": "0",
            "px": "3480.5", "subType": "173" if paid else "174", "sz": str(POSITION_CONTRACTS),
            "tag": "", "to": "", "tradeId": "", "ts": ms(at), "type": "8",
        })  # fmt: skip
    return out[::-1]


def recordings() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for inst_id in INSTRUMENTS:
        out.update(candle_recordings(inst_id))
    tickers = {
        "BTC-USDT": ticker("BTC-USDT", "SPOT", Decimal("0.05"), "0.0013"),
        "ETH-USDT-SWAP": ticker("ETH-USDT-SWAP", "SWAP", Decimal("0.01"), "12"),
    }
    for inst_id, data in tickers.items():
        out[f"ticker_{inst_id.lower().replace('-', '_')}.json"] = recording(
            DOC_TICKER, f"{inst_id} ticker just before 2026-11-23 12:00",
            "/api/v5/market/ticker", {"instId": inst_id}, ok([data]))  # fmt: skip
    out["positions.json"] = recording(
        DOC_POSITIONS, f"account {UID}: one ETH-USDT-SWAP position, net mode, 25 contracts long",
        "/api/v5/account/positions", {}, ok([position()]))  # fmt: skip
    out["balance.json"] = recording(
        DOC_BALANCE, "trading account balance: USDT (with the position's upl) and BTC",
        "/api/v5/account/balance", {}, ok([balance()]))  # fmt: skip
    bills = funding_bills()
    out["bills_archive_funding.json"] = recording(
        DOC_ARCHIVE, "funding-fee bills (type 8) of the last 3 months, newest first (short page)",
        "/api/v5/account/bills-archive", {"type": "8", "limit": "100", "after": None},
        ok(bills),
    )  # fmt: skip
    out["bills_funding.json"] = recording(
        DOC_BILLS, "funding-fee bills (type 8) of the last 7 days before 2026-11-23 12:00 "
        "(also in the archive answer: no-ops)",
        "/api/v5/account/bills", {"type": "8", "limit": "100", "after": None}, ok(bills),
    )  # fmt: skip
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in recordings().items():
        (OUT / name).write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
