"""Standard ledger checks for every Polymarket table, plus the wallet-history truncation warning."""

from ingestion.polymarket import SOURCE
from orchestration.defs.polymarket.assets import (
    FILLS,
    MARKETS,
    PRICES,
    WALLET_ACTIVITY,
    WALLET_VALUE,
)
from orchestration.lib.ingest import ledger_checks, wallet_history_part

# the wallet-history warning runs in its ledger's combined check step
_extra = {table: [wallet_history_part(table, "Polymarket")] for table in (WALLET_ACTIVITY, FILLS)}

standard_checks = ledger_checks(
    SOURCE, (MARKETS, PRICES, FILLS, WALLET_ACTIVITY, WALLET_VALUE), _extra
)
