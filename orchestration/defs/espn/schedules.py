"""Game states every 5 minutes; live games faster through the sensor."""

import dagster as dg

from orchestration.defs.espn.assets import GAMES
from orchestration.lib.ingest import ledger_key, venue_tags

espn_games_frequent = dg.ScheduleDefinition(
    name="espn_games_frequent",
    target=dg.AssetSelection.assets(ledger_key(GAMES)),
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("espn"),
    description="Scoreboards of every configured league (current + this month).",
)
