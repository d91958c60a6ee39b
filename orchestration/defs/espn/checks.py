"""Standard ledger checks (blocking conflict check, quarantine warning) for the ESPN table."""

from ingestion.espn import SOURCE
from orchestration.defs.espn.assets import GAMES
from orchestration.lib.ingest import ledger_checks

standard_checks = ledger_checks(SOURCE, (GAMES,))
