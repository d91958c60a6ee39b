"""Markets past their close time are refreshed every minute until Kalshi finalizes them; the
moment one is settled, the operator's settlements (and positions) are synced."""

from datetime import datetime

import dagster as dg
import psycopg

from ingestion.kalshi.lifecycle import awaiting_settlement, settled_since
from ingestion.sync import utc_now
from orchestration.defs.kalshi.assets import MARKETS, POSITIONS, SETTLEMENTS
from orchestration.lib.ingest import ledger_key
from orchestration.lib.resources import TradelakeResource

REFRESH_EVERY_SECONDS = 60


@dg.sensor(
    name="kalshi_settlement_watch",
    asset_selection=[ledger_key(MARKETS), ledger_key(SETTLEMENTS), ledger_key(POSITIONS)],
    minimum_interval_seconds=REFRESH_EVERY_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes closed-but-unsettled Kalshi markets; syncs settlements once settled.",
)
def kalshi_settlement_watch(context: dg.SensorEvaluationContext, tradelake: TradelakeResource):
    now = utc_now()
    since = datetime.fromisoformat(context.cursor) if context.cursor else None
    with psycopg.connect(tradelake.database_url()) as conn:
        pending = awaiting_settlement(conn, now)
        settled, newest = settled_since(conn, since)
    requests = []
    if pending:
        slot = int(now.timestamp()) // REFRESH_EVERY_SECONDS
        requests.append(
            dg.RunRequest(
                run_key=f"kalshi-refresh-{slot}",
                asset_selection=[ledger_key(MARKETS)],
                tags={"tradelake/awaiting_settlement": ",".join(pending)[:1000]},
            )
        )
    if settled and since is not None:  # the first evaluation only records where we are
        requests.append(
            dg.RunRequest(
                run_key=f"kalshi-settled-{newest.isoformat()}",
                asset_selection=[ledger_key(SETTLEMENTS), ledger_key(POSITIONS)],
                tags={"tradelake/settled": ",".join(settled)[:1000]},
            )
        )
    if not requests:
        return dg.SensorResult(
            skip_reason="no Kalshi market awaits settlement",
            cursor=newest.isoformat() if newest else context.cursor,
        )
    return dg.SensorResult(
        run_requests=requests, cursor=newest.isoformat() if newest else context.cursor
    )
