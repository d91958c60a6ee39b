"""Standard ledger checks for both Etherscan tables, plus the history-completeness warning (a
block holding more of a wallet's rows than one query returns cannot be read whole)."""

from ingestion.etherscan import SOURCE
from orchestration.defs.etherscan.assets import TOKEN_TRANSFERS, TRANSACTIONS
from orchestration.lib.ingest import ledger_checks, wallet_history_check

standard_checks = [c for table in (TRANSACTIONS, TOKEN_TRANSFERS) for c in ledger_checks(table)]


truncation_checks = [
    wallet_history_check(TRANSACTIONS, SOURCE, "transactions", "Etherscan"),
    wallet_history_check(TOKEN_TRANSFERS, SOURCE, "token_transfers", "Etherscan"),
]
