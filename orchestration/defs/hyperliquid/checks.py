"""Standard ledger checks for every Hyperliquid table, plus the wallet-history truncation warning
(the venue serves only the 10000 most recent fills of an address)."""

from ingestion.hyperliquid import SOURCE
from orchestration.defs.hyperliquid.assets import (
    ACCOUNTS,
    ASSET_CONTEXTS,
    CANDLES,
    FILLS,
    FUNDING,
    ORDERS,
    POSITIONS,
    WALLET_EQUITY,
    WALLET_FILLS,
)
from orchestration.lib.ingest import ledger_checks, wallet_history_part

# the wallet-history warning runs in its ledger's combined check step
_extra = {table: [wallet_history_part(table, "Hyperliquid")] for table in (FILLS, WALLET_FILLS)}

standard_checks = ledger_checks(
    SOURCE,
    (
        FILLS,
        WALLET_FILLS,
        WALLET_EQUITY,
        CANDLES,
        ASSET_CONTEXTS,
        POSITIONS,
        ACCOUNTS,
        FUNDING,
        ORDERS,
    ),
    _extra,
)
