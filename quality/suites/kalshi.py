"""Kalshi (docs.kalshi.com): prices are `*_dollars` fields, dollars per contract in [0, 1];
counts (`*_fp`) are positive contracts; outcomes yes/no; times are event times."""

from quality.rules import between, in_set, non_empty, past_time, positive, probability

RULES = {
    "kalshi_fills": [
        non_empty("fill_id"),
        probability("price"),
        probability("yes_price"),
        probability("no_price"),
        positive("quantity"),
        between("fee", 0),
        in_set("outcome", ["yes", "no"]),
        in_set("side", ["buy", "sell"]),
        past_time("executed_at"),
    ],
    "kalshi_order_observations": [
        non_empty("order_id"),
        probability("price"),
        probability("yes_price"),
        probability("no_price"),
        positive("quantity"),
        between("filled_quantity", 0),
        between("remaining_quantity", 0),
        between("fees", 0),
        in_set("outcome", ["yes", "no"]),
        in_set("side", ["buy", "sell"]),
        in_set("status", ["resting", "partial", "filled", "canceled", "rejected", "expired"]),
        past_time("created_at"),
        past_time("observed_at"),
    ],
    "kalshi_market_observations": [
        non_empty("ticker"),
        in_set("status", ["open", "closed", "settled"]),
        *(probability(c) for c in ("yes_bid", "yes_ask", "no_bid", "no_ask", "last_price")),
        probability("settlement_value"),
        between("volume", 0),
        between("open_interest", 0),
        past_time("observed_at"),
    ],
    "kalshi_settlements": [
        non_empty("ticker"),
        between("yes_quantity", 0),
        between("no_quantity", 0),
        probability("yes_settlement_value"),
        past_time("settled_at"),
    ],
    "kalshi_position_observations": [
        in_set("outcome", ["yes", "no"]),
        between("quantity", 0),
        past_time("observed_at"),
    ],
    "kalshi_balance_observations": [past_time("observed_at")],
    "kalshi_series_observations": [non_empty("series_ticker"), past_time("observed_at")],
    "kalshi_event_observations": [non_empty("event_ticker"), past_time("observed_at")],
}
