"""Markets and prices hourly; own fills and tracked wallets every 10 minutes."""

import dagster as dg

from orchestration.defs.polymarket.assets import FILLS, MARKETS, PRICES, WALLET_ACTIVITY
from orchestration.lib.ingest import ledger_key

polymarket_markets_hourly = dg.ScheduleDefinition(
    name="polymarket_markets_hourly",
    target=dg.AssetSelection.assets(ledger_key(MARKETS), ledger_key(PRICES)),
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Gamma markets, then CLOB price history of their outcome tokens.",
)

polymarket_wallets_frequent = dg.ScheduleDefinition(
    name="polymarket_wallets_frequent",
    target=dg.AssetSelection.assets(ledger_key(FILLS), ledger_key(WALLET_ACTIVITY)),
    cron_schedule="*/10 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Own fills and tracked-wallet activity (incremental, cursor per wallet).",
)
