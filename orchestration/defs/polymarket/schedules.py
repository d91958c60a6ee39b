"""Markets and prices hourly; own fills and tracked wallets every 10 minutes; tracked wallets'
positions value hourly (a snapshot)."""

import dagster as dg

from orchestration.defs.polymarket.assets import (
    FILLS,
    MARKETS,
    PRICES,
    WALLET_ACTIVITY,
    WALLET_VALUE,
)
from orchestration.lib.ingest import ledger_key, venue_tags

polymarket_markets_hourly = dg.ScheduleDefinition(
    name="polymarket_markets_hourly",
    target=dg.AssetSelection.assets(ledger_key(MARKETS), ledger_key(PRICES)),
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("polymarket"),
    description="Gamma markets, then CLOB price history of their outcome tokens.",
)

polymarket_wallets_frequent = dg.ScheduleDefinition(
    name="polymarket_wallets_frequent",
    target=dg.AssetSelection.assets(ledger_key(FILLS), ledger_key(WALLET_ACTIVITY)),
    cron_schedule="*/10 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("polymarket"),
    description="Own fills and tracked-wallet activity (incremental, cursor per wallet).",
)

polymarket_wallet_value_hourly = dg.ScheduleDefinition(
    name="polymarket_wallet_value_hourly",
    target=dg.AssetSelection.assets(ledger_key(WALLET_VALUE)),
    cron_schedule="13 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("polymarket"),
    description="Tracked wallets' open-positions value (Data API /value), a row when it changed.",
)
