"""Standard ledger checks (blocking conflict check, quarantine warning, ...) for every OKX table."""

from ingestion.okx import SOURCE
from orchestration.defs.okx.assets import (
    BALANCES,
    CANDLES,
    FILLS,
    FUNDING,
    INSTRUMENTS,
    ORDERS,
    POSITIONS,
    TICKERS,
)
from orchestration.lib.ingest import ledger_checks

TABLES = (FILLS, INSTRUMENTS, CANDLES, TICKERS, POSITIONS, BALANCES, FUNDING, ORDERS)
standard_checks = ledger_checks(SOURCE, TABLES)
