"""Standard ledger checks (blocking conflict check, quarantine warning) for every Kalshi table."""

from orchestration.defs.kalshi.assets import BALANCE, FILLS, MARKETS, POSITIONS, SETTLEMENTS
from orchestration.lib.ingest import ledger_checks

standard_checks = [
    c for table in (MARKETS, FILLS, SETTLEMENTS, POSITIONS, BALANCE) for c in ledger_checks(table)
]
