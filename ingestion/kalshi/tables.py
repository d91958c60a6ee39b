"""How each Kalshi ledger table is loaded (ingestion.loader.LedgerTable; migrations 0101-0202).

Observation tables are keyed on our own observation time (`observed_at`, the sync's clock), never
on the venue's "updated" timestamp: Kalshi does not always move `updated_time` when a market
settles, and a version keyed on it collided with the stored one and was lost (issue 20).
"""

from ingestion.loader import LedgerTable

MARKETS = LedgerTable(
    name="ledger.kalshi_market_observations",
    columns=(
        "ticker", "event_ticker", "series_ticker", "title", "yes_sub_title", "no_sub_title",
        "status", "status_raw", "yes_bid", "yes_ask", "no_bid", "no_ask", "last_price",
        "volume", "open_interest", "result", "settlement_value", "open_time", "close_time",
        "settled_at", "venue_updated_at", "observed_at",
    ),
    key=("ticker", "observed_at"),
    mode="observation",
    # the venue's own clock is kept but is not content: a version is a change of state
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

FILLS = LedgerTable(
    name="ledger.kalshi_fills",
    columns=(
        "account", "fill_id", "order_id", "client_order_id", "ticker", "outcome", "side",
        "price", "quantity", "fee", "is_taker", "action_raw", "side_raw", "outcome_side",
        "book_side", "yes_price", "no_price", "executed_at",
    ),
    key=("account", "fill_id"),
)  # fmt: skip

SETTLEMENTS = LedgerTable(
    name="ledger.kalshi_settlements",
    columns=(
        "account", "ticker", "event_ticker", "result", "yes_quantity", "no_quantity",
        "yes_cost", "no_cost", "revenue", "fee", "yes_settlement_value", "settled_at",
    ),
    key=("account", "ticker"),
)  # fmt: skip

POSITIONS = LedgerTable(
    name="ledger.kalshi_position_observations",
    columns=(
        "account", "ticker", "outcome", "quantity", "cost", "realized_pnl", "fees_paid",
        "total_traded", "venue_updated_at", "observed_at",
    ),
    key=("account", "ticker", "outcome", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

BALANCES = LedgerTable(
    name="ledger.kalshi_balance_observations",
    columns=(
        "account", "currency", "balance", "portfolio_value", "venue_updated_at", "observed_at",
    ),
    key=("account", "currency", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

SERIES = LedgerTable(
    name="ledger.kalshi_series_observations",
    columns=(
        "series_ticker", "title", "category", "frequency", "tags", "settlement_sources",
        "contract_url", "contract_terms_url", "fee_type", "fee_multiplier",
        "additional_prohibitions", "product_metadata", "observed_at",
    ),
    key=("series_ticker", "observed_at"),
    mode="observation",
)  # fmt: skip

EVENTS = LedgerTable(
    name="ledger.kalshi_event_observations",
    columns=(
        "event_ticker", "series_ticker", "title", "sub_title", "category",
        "collateral_return_type", "mutually_exclusive", "strike_date", "strike_period",
        "available_on_brokers", "product_metadata", "observed_at",
    ),
    key=("event_ticker", "observed_at"),
    mode="observation",
)  # fmt: skip

# Orders change (resting -> partially filled -> canceled/executed): every changed state is a
# version. last_update_time is kept but excluded from the version (a cancel need not move it).
ORDERS = LedgerTable(
    name="ledger.kalshi_order_observations",
    columns=(
        "account", "order_id", "client_order_id", "ticker", "outcome", "side", "order_type",
        "status", "status_raw", "price", "quantity", "filled_quantity", "remaining_quantity",
        "fees", "fill_cost", "action_raw", "side_raw", "outcome_side", "book_side",
        "yes_price", "no_price", "expires_at", "created_at", "venue_updated_at", "observed_at",
    ),
    key=("account", "order_id", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip
