"""Etherscan V2: tracked wallets' EVM activity, one asset per stream, group `etherscan`."""

from ingestion.etherscan import SOURCE
from ingestion.etherscan.sync import sync_token_transfers, sync_transactions
from orchestration.lib.ingest import ledger_asset

TRANSACTIONS = "etherscan_transactions"
TOKEN_TRANSFERS = "etherscan_token_transfers"

etherscan_transactions = ledger_asset(
    source=SOURCE,
    stream="transactions",
    table=TRANSACTIONS,
    sync=sync_transactions,
    description=(
        "Normal transactions of tracked wallets on each of their `evm_chains` (txlist): native "
        "amounts in coin units, gas paid, failed transactions kept (one row per chain, wallet, tx)."
    ),
)

etherscan_token_transfers = ledger_asset(
    source=SOURCE,
    stream="token_transfers",
    table=TOKEN_TRANSFERS,
    sync=sync_token_transfers,
    description=(
        "ERC-20 transfers of tracked wallets on each of their `evm_chains` (tokentx), in token "
        "units from the payload's decimals (one row per transfer log and wallet)."
    ),
)
