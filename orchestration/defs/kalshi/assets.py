"""Kalshi: one asset per stream, all in group `kalshi`."""

from ingestion.kalshi import SOURCE
from ingestion.kalshi.sync import (
    sync_balance,
    sync_fills,
    sync_markets,
    sync_positions,
    sync_settlements,
)
from orchestration.lib.ingest import ledger_asset

MARKETS = "kalshi_market_observations"
FILLS = "kalshi_fills"
SETTLEMENTS = "kalshi_settlements"
POSITIONS = "kalshi_position_observations"
BALANCE = "kalshi_balance_observations"

kalshi_markets = ledger_asset(
    source=SOURCE,
    stream="markets",
    table=MARKETS,
    sync=sync_markets,
    description="Every market of markets.kalshi.series, every status, one row per changed state.",
)

kalshi_fills = ledger_asset(
    source=SOURCE,
    stream="fills",
    table=FILLS,
    sync=sync_fills,
    description="Own Kalshi fills (live + historical partition), one row per fill.",
)

kalshi_settlements = ledger_asset(
    source=SOURCE,
    stream="settlements",
    table=SETTLEMENTS,
    sync=sync_settlements,
    description="Own settled Kalshi markets, one row per market.",
)

kalshi_positions = ledger_asset(
    source=SOURCE,
    stream="positions",
    table=POSITIONS,
    sync=sync_positions,
    description="Own Kalshi positions, one observation per change; closed ones get quantity 0.",
)

kalshi_balance = ledger_asset(
    source=SOURCE,
    stream="balance",
    table=BALANCE,
    sync=sync_balance,
    description="Kalshi cash balance in dollars, one observation per change.",
)
