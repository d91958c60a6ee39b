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
