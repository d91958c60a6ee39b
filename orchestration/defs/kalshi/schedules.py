"""Markets every 5 minutes (prices move, statuses change); the portfolio (fills, orders,
settlements, positions, balance) every 5 minutes; series and events (slow-moving reference data)
every 15 minutes."""

import dagster as dg

from orchestration.defs.kalshi.assets import (
    BALANCE,
    EVENTS,
    FILLS,
    MARKETS,
    ORDERS,
    POSITIONS,
    SERIES,
    SETTLEMENTS,
)
from orchestration.lib.ingest import ledger_key, venue_tags

kalshi_markets_frequent = dg.ScheduleDefinition(
    name="kalshi_markets_frequent",
    target=dg.AssetSelection.assets(ledger_key(MARKETS)),
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("kalshi"),
    description="Every market of the configured series (all statuses).",
)

kalshi_portfolio_frequent = dg.ScheduleDefinition(
    name="kalshi_portfolio_frequent",
    target=dg.AssetSelection.assets(
        ledger_key(FILLS),
        ledger_key(ORDERS),
        ledger_key(SETTLEMENTS),
        ledger_key(POSITIONS),
        ledger_key(BALANCE),
    ),
    cron_schedule="2-59/5 * * * *",  # offset from the markets run: one rate-limit bucket
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("kalshi"),
    description="Own fills, orders, settlements, positions and balance (incremental).",
)

kalshi_events_quarter_hourly = dg.ScheduleDefinition(
    name="kalshi_events_quarter_hourly",
    target=dg.AssetSelection.assets(ledger_key(SERIES), ledger_key(EVENTS)),
    cron_schedule="4-59/15 * * * *",  # off the 5-minute markets/portfolio minutes
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("kalshi"),
    description="Series and events of the configured series (with their nested markets).",
)
