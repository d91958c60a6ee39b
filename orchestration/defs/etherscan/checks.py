"""Standard ledger checks for both Etherscan tables, plus the history-completeness warning (a
block holding more of a wallet's rows than one query returns cannot be read whole)."""

from ingestion.etherscan import SOURCE
from orchestration.defs.etherscan.assets import TOKEN_TRANSFERS, TRANSACTIONS
from orchestration.lib.ingest import ledger_checks, wallet_history_part

# the history-completeness warning runs in its ledger's combined check step
standard_checks = ledger_checks(
    SOURCE,
    (TRANSACTIONS, TOKEN_TRANSFERS),
    {table: [wallet_history_part(table, "Etherscan")] for table in (TRANSACTIONS, TOKEN_TRANSFERS)},
)
