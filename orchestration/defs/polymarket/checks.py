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
_extra = {
    table: [wallet_history_part(table, SOURCE, stream, "Polymarket")]
    for table, stream in ((WALLET_ACTIVITY, "wallet_activity"), (FILLS, "fills"))
}

standard_checks = [
    c
    for table in (MARKETS, PRICES, FILLS, WALLET_ACTIVITY, WALLET_VALUE)
    for c in ledger_checks(table, _extra.get(table, ()))
]
