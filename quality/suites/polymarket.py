"""Polymarket (docs.polymarket.com): prices are USDC per share in [0, 1], sizes positive
shares, wallets `0x` + 40 lowercase hex (stored lowercase), times event times."""

from quality.rules import address, between, in_set, non_empty, past_time, positive, probability

RULES = {
    "polymarket_fills": [
        address("account"),
        non_empty("fill_id"),
        probability("price"),
        positive("size"),
        in_set("side", ["buy", "sell"]),
        past_time("executed_at"),
    ],
    "polymarket_market_observations": [non_empty("condition_id"), past_time("observed_at")],
    "polymarket_price_points": [non_empty("token_id"), probability("price"), past_time("ts")],
    "polymarket_wallet_activity": [
        address("wallet"),
        non_empty("activity_type"),
        probability("price"),
        between("size", 0),
        past_time("occurred_at"),
    ],
    "polymarket_wallet_value": [
        address("wallet"),
        between("positions_value", 0),
        past_time("observed_at"),
    ],
}
