"""Own and tracked-wallet fills every 5 minutes (incremental: cursor per address)."""

import dagster as dg

from orchestration.defs.hyperliquid.assets import FILLS, WALLET_FILLS
from orchestration.lib.ingest import ledger_key

hyperliquid_fills_every_5_minutes = dg.ScheduleDefinition(
    name="hyperliquid_fills_every_5_minutes",
    target=dg.AssetSelection.assets(ledger_key(FILLS), ledger_key(WALLET_FILLS)),
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hyperliquid own fills and tracked-wallet fills since each address's cursor.",
)
