"""The canonical relations (CONTRACT §5, dbt_project/models/core/_core__models.yml): what our
units promise whatever the venue. Every rule is hard: core is what the marts and analysts read,
so a price of 1.5 or an unknown status there is an ERROR on the `expectations` check of the
relation's dbt asset (non-blocking, see orchestration/defs/quality/checks.py)."""

from quality.rules import (
    address,
    between,
    in_set,
    matches,
    non_empty,
    only,
    past_time,
    positive,
    probability,
    since_2015,
)

PREDICTION = ["kalshi", "polymarket"]  # prices are dollars (USDC) per contract (share) in [0, 1]
CRYPTO = ["okx", "hyperliquid"]
ADDRESS_ACCOUNTS = ["polymarket", "hyperliquid"]  # accounts are wallet addresses there
VENUES = [*PREDICTION, *CRYPTO]
MARKET_STATUS = ["open", "closed", "settled"]
GAME_STATUS = [
    "scheduled",
    "in_progress",
    "halftime",
    "end_period",
    "final",
    "postponed",
    "canceled",
    "delayed",
]
ORDER_STATUS = ["resting", "partial", "filled", "canceled", "rejected", "expired"]
SIDES = ["buy", "sell"]


def _market(extra: list) -> list:
    return [
        in_set("venue", PREDICTION),
        non_empty("market_id"),
        non_empty("outcome"),
        only(in_set("outcome", ["yes", "no"]), "venue", ["kalshi"]),
        in_set("status", MARKET_STATUS),
        *(probability(c) for c in ("price", "bid", "ask", "settlement_value")),
        between("volume", 0),
        between("open_interest", 0),
        since_2015("close_time"),  # may lie ahead
        past_time("observed_at"),
        *extra,
    ]


def _game(extra: list) -> list:
    return [
        non_empty("league"),
        non_empty("game_id"),
        in_set("status", GAME_STATUS),
        between("home_score", 0),
        between("away_score", 0),
        between("period", 0),
        since_2015("start_time"),  # a scheduled game starts ahead
        past_time("observed_at"),
        *extra,
    ]


RULES = {
    "core.markets": _market([]),
    "core.market_history": _market([past_time("valid_from"), past_time("loaded_at")]),
    "core.game_states": _game([]),
    "core.game_state_history": _game([past_time("valid_from"), past_time("loaded_at")]),
    "core.price_history": [
        in_set("venue", PREDICTION),
        non_empty("market_id"),
        probability("price"),
        past_time("ts"),
    ],
    "core.fills": [
        in_set("venue", VENUES),
        non_empty("account"),
        non_empty("fill_id"),
        non_empty("market_id"),
        only(address("account"), "venue", ADDRESS_ACCOUNTS),
        in_set("side", SIDES),
        only(in_set("outcome", ["yes", "no"]), "venue", ["kalshi"]),
        only(probability("price"), "venue", PREDICTION),
        only(positive("price"), "venue", CRYPTO),
        positive("quantity"),
        in_set("quantity_unit", ["contracts", "shares", "base"]),
        past_time("executed_at"),
    ],
    "core.orders": [
        in_set("venue", VENUES),
        non_empty("account"),
        non_empty("order_id"),
        in_set("side", SIDES),
        in_set("status", ORDER_STATUS),
        only(probability("price"), "venue", PREDICTION),  # the limit price; NULL for market
        positive("quantity"),
        between("filled_quantity", 0),
        between("remaining_quantity", 0),
        past_time("created_at"),
    ],
    "core.settlements": [
        in_set("venue", PREDICTION),
        non_empty("market_id"),
        *(between(c, 0) for c in ("yes_quantity", "no_quantity", "yes_cost", "no_cost")),
        between("revenue", 0),
        past_time("settled_at"),
    ],
    "core.positions": [
        in_set("venue", VENUES),
        non_empty("market_id"),
        positive("quantity"),
        in_set("position_side", ["long", "short"]),
        between("leverage", 0),
        between("margin", 0),
        only(positive("entry_price"), "venue", CRYPTO),
        past_time("observed_at"),
    ],
    "core.balances": [
        in_set("venue", VENUES),
        non_empty("currency"),
        past_time("observed_at"),
    ],
    "core.wallet_events": [
        address("wallet"),
        non_empty("event_id"),
        matches("source", r"^(polymarket|hyperliquid|evm:[0-9]+)$"),
        non_empty("event_type"),
        in_set("side", SIDES),
        in_set("direction", ["in", "out"]),
        between("quantity", 0),  # a zero-value transfer is a real on-chain event
        only(probability("price"), "source", ["polymarket"]),
        between("size_fraction", 0, 1),
        past_time("occurred_at"),
    ],
    "core.wallet_equity": [
        address("wallet"),
        in_set("source", ["hyperliquid", "polymarket"]),
        between("equity_usd", 0),
        in_set("equity_kind", ["account_value", "positions_value"]),
        past_time("as_of"),
    ],
    "core.wallets": [
        address("address"),
        past_time("first_seen_at"),
        past_time("last_activity_at"),
    ],
    "core.candles": [
        in_set("venue", CRYPTO),
        non_empty("instrument"),
        in_set("interval", ["1h"]),
        *(positive(c) for c in ("open", "high", "low", "close")),
        between("volume", 0),
        between("volume_usd", 0),
        past_time("open_time"),
    ],
    "core.funding_payments": [
        in_set("venue", CRYPTO),
        non_empty("account"),
        non_empty("instrument"),
        past_time("paid_at"),
    ],
}
