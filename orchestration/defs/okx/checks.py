"""Standard ledger checks (blocking conflict check, quarantine warning) for both OKX tables."""

from orchestration.defs.okx.assets import FILLS, INSTRUMENTS
from orchestration.lib.ingest import ledger_checks

standard_checks = [c for table in (FILLS, INSTRUMENTS) for c in ledger_checks(table)]
