"""While a game is live (or about to start), poll its league every 30 seconds."""

import dagster as dg
import psycopg

from ingestion.espn.live import games_to_watch
from ingestion.sync import utc_now
from orchestration.defs.espn.assets import GAMES
from orchestration.lib.ingest import ledger_key, venue_tags
from orchestration.lib.resources import TradelakeResource

LIVE_EVERY_SECONDS = 30


@dg.sensor(
    name="espn_live_games",
    asset_selection=[ledger_key(GAMES)],
    minimum_interval_seconds=LIVE_EVERY_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Re-reads the scoreboards every 30 s while any game is live or about to start.",
)
def espn_live_games(context: dg.SensorEvaluationContext, tradelake: TradelakeResource):
    now = utc_now()
    with psycopg.connect(tradelake.database_url()) as conn:
        live = games_to_watch(conn, now)
    if not live:
        return dg.SkipReason("no game is live or starting within 15 minutes")
    slot = int(now.timestamp()) // LIVE_EVERY_SECONDS
    return dg.RunRequest(
        run_key=f"espn-live-{slot}",
        tags={"tradelake/live_games": ",".join(live)[:1000], **venue_tags("espn")},
    )
