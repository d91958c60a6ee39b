"""How each Polymarket ledger table is loaded (see ingestion.loader.LedgerTable)."""

from ingestion.loader import LedgerTable

MARKETS = LedgerTable(
    name="ledger.polymarket_market_observations",
    columns=(
        "condition_id",
        "outcome",
        "outcome_label",
        "outcome_index",
        "token_id",
        "gamma_market_id",
        "market_slug",
        "event_slug",
        "title",
        "status",
        "status_raw",
        "price",
        "bid",
        "ask",
        "volume",
        "result",
        "settlement_value",
        "start_time",
        "close_time",
        "observed_at",
    ),
    key=("condition_id", "outcome", "observed_at"),
    mode="observation",
)

PRICES = LedgerTable(
    name="ledger.polymarket_price_points",
    columns=("condition_id", "outcome", "token_id", "ts", "price"),
    key=("token_id", "ts"),
)

FILLS = LedgerTable(
    name="ledger.polymarket_fills",
    columns=(
        "account",
        "fill_id",
        "tx_hash",
        "condition_id",
        "token_id",
        "outcome_label",
        "outcome_index",
        "side",
        "price",
        "size",
        "notional",
        "title",
        "event_slug",
        "executed_at",
    ),
    key=("account", "fill_id"),
    # Descriptive fields may differ between re-deliveries without the fill being different.
    hash_exclude=("title", "event_slug", "outcome_label", "outcome_index"),
)

WALLET_ACTIVITY = LedgerTable(
    name="ledger.polymarket_wallet_activity",
    columns=(
        "wallet",
        "event_key",
        "activity_type",
        "tx_hash",
        "condition_id",
        "asset",
        "outcome_label",
        "outcome_index",
        "side",
        "size",
        "usdc_size",
        "price",
        "title",
        "event_slug",
        "seen_via",
        "occurred_at",
    ),
    key=("wallet", "event_key"),
    # The same trade seen via /trades (no usdcSize) and /activity is one record, not a conflict:
    # only the fields both endpoints report identically take part in the content hash.
    hash_exclude=("usdc_size", "title", "event_slug", "seen_via", "outcome_label", "outcome_index"),
)

# A snapshot per run, a row only when the value changed (observation mode, our clock).
WALLET_VALUE = LedgerTable(
    name="ledger.polymarket_wallet_value",
    columns=("wallet", "positions_value", "observed_at"),
    key=("wallet", "observed_at"),
    mode="observation",
)
