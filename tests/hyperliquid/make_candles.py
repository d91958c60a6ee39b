"""Writes tests/fixtures/hyperliquid/candle_snapshot_*.json (run: uv run python -m
tests.hyperliquid.make_candles).

Hourly candles of the demo coins (markets.hyperliquid.coins: BTC, ETH) from 2026-10-01 00:00 to
2026-11-23 12:00 UTC (53.5 days: ATR(14) and the 30-day medians of marts.market_states exist
from 2026-10-31 on), a deterministic random walk, with:
- BTC 2026-11-20 14:00: close 7 % below the previous close (a PANIC hour), then 12 hours
  swinging four times as wide as usual (VOLATILE hours);
- ETH 2026-11-22: volume at a tenth of its usual (DEAD hours);
- the last candle of each coin opens 2026-11-23 12:00, the tests' clock: still open then.

Requests as the sync makes them from sync_start 2025-11-01 in windows of 5000 hours: the first
window [2025-11-01 00:00, 2026-05-28 08:00) answers [] (before the venue's kept history: an
empty window that is not the end), the second holds every candle. Any other candleSnapshot
request (a later run's windows) answers [].
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.hyperliquid.make_fixtures import OUT, SYNC_START_MS, recording, write

DOC = (
    "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint"
    "#candle-snapshot"
)
HOUR_MS = 3_600_000
WINDOW_MS = 5000 * HOUR_MS
FIRST = datetime(2026, 10, 1, tzinfo=UTC)
LAST = datetime(2026, 11, 23, 12, tzinfo=UTC)
PANIC_AT = datetime(2026, 11, 20, 14, tzinfo=UTC)
DEAD_DAY = datetime(2026, 11, 22, tzinfo=UTC)
COINS = {  # coin: (first open, price step, usual volume per hour in the coin)
    "BTC": (Decimal("95000"), Decimal("1"), Decimal("120")),
    "ETH": (Decimal("3500"), Decimal("0.1"), Decimal("2500")),
}


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def candles(coin: str) -> list[dict]:
    price, tick, usual = COINS[coin]
    rng = random.Random(f"tradelake-13-{coin}")
    rows, at = [], FIRST
    while at <= LAST:
        move = Decimal(str(round(rng.gauss(0, 0.004), 5)))
        swings = coin == "BTC" and PANIC_AT < at <= PANIC_AT + timedelta(hours=12)
        if coin == "BTC" and at == PANIC_AT:
            move = Decimal("-0.07")
        close = (price * (1 + move * (4 if swings else 1))).quantize(tick)
        wick = Decimal(str(round(abs(rng.gauss(0, 0.002)), 5))) * (4 if swings else 1)
        high = (max(price, close) * (1 + wick)).quantize(tick)
        low = (min(price, close) * (1 - wick)).quantize(tick)
        volume = usual * Decimal(str(round(rng.uniform(0.7, 1.3), 3)))
        if coin == "ETH" and DEAD_DAY <= at < DEAD_DAY + timedelta(days=1):
            volume = (volume / 10).quantize(Decimal("0.001"))
        rows.append({
            "t": ms(at), "T": ms(at) + HOUR_MS - 1, "s": coin, "i": "1h",
            "o": str(price), "c": str(close), "h": str(high), "l": str(low),
            "v": str(volume), "n": rng.randint(800, 4000),
        })  # fmt: skip
        price, at = close, at + timedelta(hours=1)
    return rows


def request(coin: str | None = None, start: int | None = None) -> dict:
    req: dict = {"interval": "1h"}
    if coin:
        req["coin"] = coin
    if start is not None:
        req["startTime"] = start
    return {"type": "candleSnapshot", "req": req}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    second = SYNC_START_MS + WINDOW_MS
    for coin in COINS:
        write(f"candle_snapshot_{coin.lower()}.json", recording(
            DOC, f"{coin} 1h candles, the sync's second 5000-hour window from sync_start "
            "(2026-05-28 08:00 on): 2026-10-01 00:00 .. 2026-11-23 12:00, oldest first",
            request(coin, second), candles(coin)), one_row_per_line=True)  # fmt: skip
    write("candle_snapshot_empty.json", recording(
        DOC, "any other candleSnapshot window (before 2026-05-28: older than the kept history; "
        "after the recorded period): no candles", request(), []))  # fmt: skip


if __name__ == "__main__":
    main()
