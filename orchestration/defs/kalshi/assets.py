"""Kalshi: one asset per stream, all in group `kalshi`."""

from ingestion.kalshi import SOURCE
from ingestion.kalshi.events import sync_events, sync_series
from ingestion.kalshi.sync import (
    sync_balance,
    sync_fills,
    sync_markets,
    sync_orders,
    sync_positions,
    sync_settlements,
)
from orchestration.lib.ingest import ledger_asset

MARKETS = "kalshi_market_observations"
FILLS = "kalshi_fills"
ORDERS = "kalshi_order_observations"
SETTLEMENTS = "kalshi_settlements"
POSITIONS = "kalshi_position_observations"
BALANCE = "kalshi_balance_observations"
SERIES = "kalshi_series_observations"
EVENTS = "kalshi_event_observations"

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

kalshi_orders = ledger_asset(
    source=SOURCE,
    stream="orders",
    table=ORDERS,
    sync=sync_orders,
    description=(
        "Own Kalshi orders (live + historical partition), one row per changed state (a cancel "
        "is a new row even when the venue's last_update_time did not move)."
    ),
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

kalshi_series = ledger_asset(
    source=SOURCE,
    stream="series",
    table=SERIES,
    sync=sync_series,
    description="Each series of markets.kalshi.series (title, category, fees), one row per change.",
)

kalshi_events = ledger_asset(
    source=SOURCE,
    stream="events",
    table=EVENTS,
    sync=sync_events,
    description=(
        "Every event of markets.kalshi.series, one row per changed state; its nested markets "
        "are appended to ledger.kalshi_market_observations when they changed."
    ),
)
