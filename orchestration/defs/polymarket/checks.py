"""Standard ledger checks for every Polymarket table, plus the wallet-history truncation warning."""

from ingestion.polymarket import SOURCE
from orchestration.defs.polymarket.assets import (
    FILLS,
    MARKETS,
    PRICES,
    WALLET_ACTIVITY,
    WALLET_VALUE,
)
from orchestration.lib.ingest import ledger_checks, wallet_history_check

standard_checks = [
    c
    for table in (MARKETS, PRICES, FILLS, WALLET_ACTIVITY, WALLET_VALUE)
    for c in ledger_checks(table)
]


truncation_checks = [
    wallet_history_check(WALLET_ACTIVITY, SOURCE, "wallet_activity", "Polymarket"),
    wallet_history_check(FILLS, SOURCE, "fills", "Polymarket"),
]
