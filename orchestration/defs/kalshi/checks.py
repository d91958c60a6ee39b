"""Standard ledger checks (blocking conflict check, quarantine warning) for every Kalshi table."""

from orchestration.defs.kalshi.assets import (
    BALANCE,
    EVENTS,
    FILLS,
    MARKETS,
    POSITIONS,
    SERIES,
    SETTLEMENTS,
)
from orchestration.lib.ingest import ledger_checks

standard_checks = [
    c for table in (MARKETS, FILLS, SETTLEMENTS, POSITIONS, BALANCE) for c in ledger_checks(table)
]

# series and events (reference data, their own 15-minute schedule)
reference_checks = [c for table in (SERIES, EVENTS) for c in ledger_checks(table)]
