"""Writes tests/fixtures/hyperliquid/*.json (run: uv run python -m tests.hyperliquid.make_fixtures).

The dataset, consistent with demo/tradelake.yaml (sync_start 2025-11-01):
- own account OWN: 12 fills 2026-11-10..22 in one page (BTC/ETH perps with a maker rebate, a
  position flip `Long > Short`, a liquidation followed by a revenge burst (two re-entries within
  five minutes at double size, closed at a second loss), a builder fee, a TWAP slice with a zero
  hash, a client order id; spot `@107` = HYPE/USDC and `PURR/USDC`), then an empty page.
- tracked wallet WHALE ("hl-whale"): a first page of exactly PAGE_CAP (2000) fills, so paging
  continues from its newest millisecond; the second page re-delivers the 3 fills sharing that
  millisecond and adds 5 more (flip `Short > Long`, liquidation, spot sell with builder fee);
  then an empty page.
Shapes follow the info endpoint docs; every tid above 2^53 on purpose.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "hyperliquid"
DOC_FILLS = (
    "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint"
    "#retrieve-a-users-fills-by-time"
)
DOC_SPOT = (
    "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/spot"
    "#retrieve-spot-metadata"
)
OWN = "0x8c5a3f1e2b4d6c7a9e0f1a2b3c4d5e6f7a8b9c0d"
WHALE = "0xb1e5a9c3d7f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0"
SYNC_START_MS = int(datetime(2025, 11, 1, tzinfo=UTC).timestamp() * 1000)
PAGE_CAP = 2000
ZERO_HASH = "0x" + "0" * 64


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def tx(seed: str) -> str:
    return "0x" + hashlib.sha256(seed.encode()).hexdigest()


def fill(coin, px, sz, side, time, tid, *, start, dir, pnl="0.0", crossed=True, fee, token="USDC",
         oid=None, hash=None, **extra) -> dict:  # fmt: skip
    row = {
        "coin": coin, "px": px, "sz": sz, "side": side, "time": time, "startPosition": start,
        "dir": dir, "closedPnl": pnl, "hash": hash or tx(f"{coin}{time}{tid}"),
        "oid": oid or 310_000_000_000 + tid % 1_000_000, "crossed": crossed, "fee": fee,
        "tid": tid, "feeToken": token,
    }  # fmt: skip
    row.update(extra)
    return row


def own_fills() -> list[dict]:
    t = 9_123_456_789_012_345  # > 2^53 = 9_007_199_254_740_992
    return [
        fill("BTC", "97250.5", "0.12", "B", ms("2026-11-10T14:05:12.345"), t + 1,
             start="0.0", dir="Open Long", fee="5.251527"),
        fill("ETH", "3120.4", "1.5", "A", ms("2026-11-11T09:30:00.000"), t + 2,
             start="0.0", dir="Open Short", crossed=False, fee="-0.093612"),
        fill("BTC", "98010.0", "0.3", "A", ms("2026-11-12T16:45:10.500"), t + 3,
             start="0.12", dir="Long > Short", pnl="91.14", fee="13.23135"),
        fill("ETH", "3050.1", "1.5", "B", ms("2026-11-13T08:00:01.250"), t + 4,
             start="-1.5", dir="Close Short", pnl="105.45", fee="2.516332",
             builderFee="0.457515"),
        fill("@107", "38.215", "25.0", "B", ms("2026-11-15T03:12:44.900"), t + 5,
             start="0.0", dir="Buy", fee="0.0175", token="HYPE"),
        fill("PURR/USDC", "0.2215", "1500", "A", ms("2026-11-16T11:20:05.010"), t + 6,
             start="1500.0", dir="Sell", pnl="12.3", fee="0.232575"),
        fill("BTC", "101500.0", "0.18", "B", ms("2026-11-18T21:07:33.001"), t + 7,
             start="-0.18", dir="Close Short", pnl="-628.2", fee="8.2215",
             liquidation={"liquidatedUser": OWN, "markPx": "101480.0", "method": "market"}),
        # revenge trading after the liquidation (issue 15's tilt demo): back in twice within
        # five minutes at double the liquidated size, closed at a second loss half an hour later
        fill("BTC", "101520.0", "0.36", "B", ms("2026-11-18T21:09:00.000"), t + 10,
             start="0.0", dir="Open Long", fee="16.44624"),
        fill("BTC", "101560.0", "0.36", "B", ms("2026-11-18T21:11:00.000"), t + 11,
             start="0.36", dir="Open Long", fee="16.45272"),
        fill("BTC", "101300.0", "0.72", "A", ms("2026-11-18T21:35:00.000"), t + 12,
             start="0.72", dir="Close Long", pnl="-172.8", fee="32.8212"),
        fill("ETH", "3180.0", "0.8", "B", ms("2026-11-20T13:00:00.000"), t + 8,
             start="0.0", dir="Open Long", crossed=False, fee="0.3816",
             cloid="0x00000000000000000000000000000abc"),
        fill("ETH", "3210.2", "0.8", "A", ms("2026-11-22T09:15:00.000"), t + 9,
             start="0.8", dir="Close Long", pnl="24.16", fee="1.155672", hash=ZERO_HASH,
             twapId=4471),
    ]  # fmt: skip


def whale_page_1() -> list[dict]:
    """Round trips of 0.5 ETH / 0.02 BTC every ~8 minutes; the last 3 fills share one ms."""
    t0 = datetime(2026, 11, 10, tzinfo=UTC)
    base_tid = 9_007_199_254_800_000
    rows = []
    for i in range(PAGE_CAP):
        at = t0 + timedelta(seconds=475 * min(i, PAGE_CAP - 3), milliseconds=i % 1000)
        if i >= PAGE_CAP - 3:
            at = t0 + timedelta(seconds=475 * (PAGE_CAP - 3), milliseconds=777)
        eth = (i // 2) % 2 == 0
        coin, size = ("ETH", Decimal("0.5")) if eth else ("BTC", Decimal("0.02"))
        px = (Decimal(3000) + (i // 2) % 97) if eth else (Decimal(95000) + 7 * ((i // 2) % 89))
        opening = i % 2 == 0
        if not opening:
            px += 2 if eth else 40
        side = "B" if opening else "A"
        fee = (px * size * Decimal("0.00015")).quantize(Decimal("0.000001"))
        pnl = "0.0" if opening else str(((2 if eth else 40) * size).normalize())
        rows.append(
            fill(
                coin, str(px), str(size), side, int(at.timestamp() * 1000), base_tid + 7919 * i,
                start="0.0" if opening else str(size), dir="Open Long" if opening else "Close Long",
                pnl=pnl, crossed=False, fee=str(-fee if i % 5 == 0 else fee),
            )
        )  # fmt: skip
    return rows


def whale_page_2(boundary: list[dict]) -> list[dict]:
    t = 9_007_199_999_999_000
    return [
        *boundary,
        fill("BTC", "99850.0", "1.5", "B", ms("2026-11-21T10:00:00.000"), t + 1,
             start="-0.5", dir="Short > Long", pnl="-212.5", fee="67.39875"),
        fill("ETH", "3305.5", "4.0", "A", ms("2026-11-21T18:42:09.120"), t + 2,
             start="4.0", dir="Close Long", pnl="-1180.0", fee="5.9499",
             liquidation={"liquidatedUser": WHALE, "markPx": "3301.0", "method": "market"}),
        fill("@107", "39.02", "400.0", "A", ms("2026-11-22T07:30:00.000"), t + 3,
             start="1200.0", dir="Sell", pnl="310.4", fee="12.4864", builderFee="1.5608"),
        fill("@107", "38.9", "100.0", "B", ms("2026-11-22T08:00:00.000"), t + 4,
             start="800.0", dir="Buy", fee="0.07", token="HYPE"),
        fill("BTC", "100120.0", "1.5", "A", ms("2026-11-22T16:20:00.000"), t + 5,
             start="1.5", dir="Close Long", pnl="405.0", fee="-3.0036", crossed=False),
    ]  # fmt: skip


def spot_meta() -> dict:
    token = lambda name, i, sz, wei, full=None: {  # noqa: E731
        "name": name, "szDecimals": sz, "weiDecimals": wei, "index": i,
        "tokenId": "0x" + hashlib.md5(name.encode()).hexdigest(), "isCanonical": i < 2,
        "evmContract": None, "fullName": full,
    }  # fmt: skip
    return {
        "tokens": [
            token("USDC", 0, 8, 8),
            token("PURR", 1, 0, 5),
            token("HFUN", 2, 2, 8),
            token("HYPE", 150, 2, 8, "Hyperliquid"),
        ],
        "universe": [
            {"name": "PURR/USDC", "tokens": [1, 0], "index": 0, "isCanonical": True},
            {"tokens": [2, 0], "name": "@1", "index": 1, "isCanonical": False},
            {"tokens": [150, 0], "name": "@107", "index": 107, "isCanonical": False},
        ],
    }


def recording(doc: str, note: str, body_json: dict, response) -> dict:
    return {
        "doc": doc,
        "note": note,
        "request": {"method": "POST", "path": "/info", "params": {}, "json": body_json},
        "response": {"status": 200, "headers": {}, "body": response},
    }


def write(name: str, data: dict, *, one_row_per_line: bool = False) -> None:
    if not one_row_per_line:
        (OUT / name).write_text(json.dumps(data, indent=2) + "\n")
        return
    body = data["response"]["body"]
    head = {**data, "response": {**data["response"], "body": "__BODY__"}}
    text = json.dumps(head, indent=2)
    rows = ",\n      ".join(json.dumps(r, separators=(",", ":")) for r in body)
    (OUT / name).write_text(text.replace('"__BODY__"', f"[\n      {rows}\n    ]") + "\n")


def by_time(user: str, start: int) -> dict:
    return {"type": "userFillsByTime", "user": user, "startTime": start}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    own = own_fills()
    page1 = whale_page_1()
    page2 = whale_page_2(page1[-3:])
    boundary = page1[-1]["time"]
    write("spot_meta.json", recording(DOC_SPOT, "spot tokens and pairs; @107 is HYPE/USDC",
                                      {"type": "spotMeta"}, spot_meta()))  # fmt: skip
    write("user_fills_by_time_own.json", recording(
        DOC_FILLS, "own account, first sync from sync_start: 9 fills, fewer than the cap of 2000",
        by_time(OWN, SYNC_START_MS), own))  # fmt: skip
    write("user_fills_by_time_own_empty.json", recording(
        DOC_FILLS, "own account after its newest fill (cursor + 1 ms): nothing new",
        by_time(OWN, own[-1]["time"] + 1), []))  # fmt: skip
    write("user_fills_by_time_whale_p1.json", recording(
        DOC_FILLS, "tracked wallet hl-whale from sync_start: exactly 2000 fills (the per-response "
        "cap), so paging continues at the newest time returned", by_time(WHALE, SYNC_START_MS),
        page1), one_row_per_line=True)  # fmt: skip
    write("user_fills_by_time_whale_p2.json", recording(
        DOC_FILLS, "hl-whale from the newest millisecond of page 1 (inclusive): the 3 fills of "
        "that millisecond again plus 5 new ones; short page = end", by_time(WHALE, boundary),
        page2))  # fmt: skip
    write("user_fills_by_time_whale_empty.json", recording(
        DOC_FILLS, "hl-whale after its newest fill (cursor + 1 ms): nothing new",
        by_time(WHALE, page2[-1]["time"] + 1), []))  # fmt: skip


if __name__ == "__main__":
    main()
