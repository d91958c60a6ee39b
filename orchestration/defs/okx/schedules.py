"""Fills and instruments every 5 minutes. Fills are incremental (cursor per instType, usually one
request per instType to the 3-day endpoint); instruments only append what changed."""

import dagster as dg

from orchestration.defs.okx.assets import FILLS, INSTRUMENTS
from orchestration.lib.ingest import ledger_key, venue_tags

okx_every_5_minutes = dg.ScheduleDefinition(
    name="okx_every_5_minutes",
    target=dg.AssetSelection.assets(ledger_key(FILLS), ledger_key(INSTRUMENTS)),
    cron_schedule="1-59/5 * * * *",  # off the minute other venues' schedules start on
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("okx"),
    description="OKX own fills (incremental) and instrument metadata.",
)
