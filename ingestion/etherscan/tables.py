"""How each Etherscan ledger table is loaded (see ingestion.loader.LedgerTable)."""

from ingestion.loader import LedgerTable

TRANSACTIONS = LedgerTable(
    name="ledger.etherscan_transactions",
    columns=(
        "chain_id",
        "wallet",
        "tx_hash",
        "block_number",
        "transaction_index",
        "from_address",
        "to_address",
        "contract_address",
        "direction",
        "value_wei",
        "quantity",
        "gas_used",
        "gas_price_wei",
        "fee",
        "is_error",
        "receipt_status",
        "succeeded",
        "method_id",
        "function_name",
        "occurred_at",
    ),
    key=("chain_id", "wallet", "tx_hash"),
    # Decoded method names are Etherscan's annotation, not the transaction: they may change.
    hash_exclude=("method_id", "function_name"),
)

TOKEN_TRANSFERS = LedgerTable(
    name="ledger.etherscan_token_transfers",
    columns=(
        "chain_id",
        "wallet",
        "event_key",
        "tx_hash",
        "log_index",
        "block_number",
        "from_address",
        "to_address",
        "contract_address",
        "token_symbol",
        "token_name",
        "token_decimal",
        "direction",
        "value_raw",
        "quantity",
        "occurred_at",
    ),
    key=("chain_id", "wallet", "event_key"),
    # Token labels are explorer metadata that can be corrected later; the amount cannot.
    hash_exclude=("token_symbol", "token_name"),
)
