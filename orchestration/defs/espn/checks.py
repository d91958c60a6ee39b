"""Standard ledger checks (blocking conflict check, quarantine warning) for the ESPN table."""

from orchestration.defs.espn.assets import GAMES
from orchestration.lib.ingest import ledger_checks

standard_checks = ledger_checks(GAMES)
