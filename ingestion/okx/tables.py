"""How each OKX ledger table is loaded (ingestion.loader.LedgerTable; migration 0103)."""

from ingestion.loader import LedgerTable

FILLS = LedgerTable(
    name="ledger.okx_fills",
    columns=(
        "account", "bill_id", "trade_id", "order_id", "client_order_id", "inst_type", "inst_id",
        "side", "pos_side", "sub_type", "exec_type", "is_taker", "is_liquidation", "is_adl",
        "price", "quantity", "quantity_unit", "fee", "fee_raw", "fee_currency", "fee_rate",
        "realized_pnl", "fill_mark_px", "fill_idx_px", "trade_quote_ccy", "tag", "executed_at",
        "generated_at",
    ),
    key=("account", "bill_id"),
)  # fmt: skip

INSTRUMENTS = LedgerTable(
    name="ledger.okx_instrument_observations",
    columns=(
        "inst_type", "inst_id", "inst_family", "uly", "base_ccy", "quote_ccy", "settle_ccy",
        "ct_val", "ct_mult", "ct_val_ccy", "ct_type", "state", "tick_sz", "lot_sz", "min_sz",
        "list_time", "exp_time", "observed_at",
    ),
    key=("inst_type", "inst_id", "observed_at"),
    mode="observation",
)  # fmt: skip

# Hourly candles of markets.okx.instruments: versions of a candle (observation mode, keyed on our
# clock): the still-open hour (confirm "0") is kept as seen and again once it closed.
CANDLES = LedgerTable(
    name="ledger.okx_candles",
    columns=(
        "inst_id", "inst_type", "bar", "open_time", "open", "high", "low", "close", "vol",
        "vol_ccy", "vol_ccy_quote", "volume", "is_closed", "observed_at",
    ),
    key=("inst_id", "bar", "open_time", "observed_at"),
    mode="observation",
)  # fmt: skip

TICKERS = LedgerTable(
    name="ledger.okx_ticker_observations",
    columns=(
        "inst_id", "inst_type", "last", "last_sz", "bid_px", "bid_sz", "ask_px", "ask_sz",
        "open_24h", "high_24h", "low_24h", "vol_24h", "vol_ccy_24h", "sod_utc0", "sod_utc8",
        "venue_updated_at", "observed_at",
    ),
    key=("inst_id", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

POSITIONS = LedgerTable(
    name="ledger.okx_position_observations",
    columns=(
        "account", "inst_id", "inst_type", "mgn_mode", "pos_side", "pos_id", "pos", "pos_ccy",
        "ccy", "avg_px", "mark_px", "upl", "upl_ratio", "lever", "liq_px", "imr", "margin",
        "mmr", "notional_usd", "realized_pnl", "pnl", "fee", "funding_fee", "venue_created_at",
        "venue_updated_at", "observed_at",
    ),
    key=("account", "inst_id", "mgn_mode", "pos_side", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

BALANCES = LedgerTable(
    name="ledger.okx_balance_observations",
    columns=(
        "account", "currency", "cash_bal", "eq", "eq_usd", "upl", "avail_bal", "frozen_bal",
        "total_eq", "venue_updated_at", "observed_at",
    ),
    key=("account", "currency", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

FUNDING_BILLS = LedgerTable(
    name="ledger.okx_funding_bills",
    columns=(
        "account", "bill_id", "inst_type", "inst_id", "currency", "bill_type", "sub_type",
        "bal_chg", "pnl", "bal", "sz", "px", "mgn_mode", "amount", "paid_at",
    ),
    key=("account", "bill_id"),
)  # fmt: skip

# Own orders (orders-history / orders-history-archive): every changed state is a version (our
# clock). OKX's uTime is kept but excluded from the version: a changed state under an unchanged
# uTime is still a new row, an unchanged order re-read adds nothing.
ORDERS = LedgerTable(
    name="ledger.okx_order_observations",
    columns=(
        "account", "order_id", "client_order_id", "inst_type", "inst_id", "side", "pos_side",
        "order_type", "td_mode", "status", "status_raw", "price", "avg_price", "quantity",
        "quantity_unit", "tgt_ccy", "filled_quantity", "remaining_quantity", "fee", "fee_raw",
        "fee_currency", "pnl", "reduce_only", "category", "created_at", "venue_updated_at",
        "observed_at",
    ),
    key=("account", "order_id", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip
