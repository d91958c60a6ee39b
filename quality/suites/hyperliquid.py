"""Hyperliquid (hyperliquid.gitbook.io): amounts are decimal strings, prices and sizes
positive, addresses `0x` + 40 lowercase hex, fill times in ms; candles hourly
(`1h`), volume in the coin, never negative."""

from quality.rules import address, between, in_set, non_empty, past_time, positive

FILL = [
    non_empty("tid"),
    non_empty("coin"),
    positive("price"),
    positive("size"),
    in_set("side", ["buy", "sell"]),
    in_set("side_raw", ["B", "A"]),
    past_time("executed_at"),
]

RULES = {
    "hyperliquid_fills": [address("account"), *FILL],
    "hyperliquid_wallet_fills": [address("wallet"), *FILL],
    "hyperliquid_wallet_equity": [
        address("wallet"),
        between("account_value", 0),
        past_time("observed_at"),
    ],
    "hyperliquid_candles": [
        non_empty("coin"),
        in_set("interval", ["1h"]),
        *(positive(price) for price in ("open", "high", "low", "close")),
        between("volume", 0),
        past_time("open_time"),
        past_time("observed_at"),
    ],
    "hyperliquid_asset_context_observations": [
        non_empty("coin"),
        positive("mark_px"),
        positive("mid_px"),
        positive("oracle_px"),
        between("open_interest", 0),
        past_time("observed_at"),
    ],
    "hyperliquid_position_observations": [
        address("account"),
        non_empty("coin"),
        between("margin_used", 0),
        past_time("observed_at"),
    ],
    "hyperliquid_account_observations": [
        address("account"),
        between("account_value", 0),
        past_time("observed_at"),
    ],
    "hyperliquid_funding": [
        address("account"),
        non_empty("coin"),
        past_time("paid_at"),
    ],
    "hyperliquid_order_observations": [
        address("account"),
        non_empty("oid"),
        non_empty("coin"),
        in_set("side", ["buy", "sell"]),
        in_set("status", ["resting", "partial", "filled", "canceled", "rejected", "expired"]),
        positive("quantity"),
        between("filled_quantity", 0),
        past_time("created_at"),
        past_time("observed_at"),
    ],
}
