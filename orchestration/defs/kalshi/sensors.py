"""Markets past their close time are refreshed until Kalshi finalizes them (every minute at
first, less often as the close recedes, not after a week); the moment one is settled, the
operator's settlements (and positions) are synced. Never a new run while one of its own is
still queued or running: the queue cannot grow behind a slow venue."""

from datetime import datetime

import dagster as dg
import psycopg

from ingestion.kalshi.lifecycle import awaiting_settlement, settled_since
from ingestion.sync import utc_now
from orchestration.defs.kalshi.assets import MARKETS, POSITIONS, SETTLEMENTS
from orchestration.lib.ingest import ledger_key, venue_tags
from orchestration.lib.resources import TradelakeResource

REFRESH_EVERY_SECONDS = 60
NAME = "kalshi_settlement_watch"


def own_run_in_flight(instance: dg.DagsterInstance) -> str | None:
    """The id of a run this sensor requested that is still queued or running, if any."""
    runs = instance.get_run_records(
        dg.RunsFilter(
            tags={"dagster/sensor_name": NAME},
            statuses=[
                dg.DagsterRunStatus.QUEUED,
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
            ],
        ),
        limit=1,
    )
    return runs[0].dagster_run.run_id if runs else None


@dg.sensor(
    name=NAME,
    asset_selection=[ledger_key(MARKETS), ledger_key(SETTLEMENTS), ledger_key(POSITIONS)],
    minimum_interval_seconds=REFRESH_EVERY_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Refreshes closed-but-unsettled Kalshi markets (every minute in the first hour after "
        "the close, every 15 minutes that day, hourly for a week) and syncs the operator's "
        "settlements and positions as soon as one settles. Skips while a run it requested is "
        "still queued or running."
    ),
)
def kalshi_settlement_watch(context: dg.SensorEvaluationContext, tradelake: TradelakeResource):
    in_flight = own_run_in_flight(context.instance)
    if in_flight is not None:
        return dg.SensorResult(
            skip_reason=f"its run {in_flight} is still queued or running", cursor=context.cursor
        )
    now = utc_now()
    since = datetime.fromisoformat(context.cursor) if context.cursor else None
    with psycopg.connect(tradelake.database_url()) as conn:
        pending = awaiting_settlement(conn, now)
        settled, newest = settled_since(conn, since)
    requests = []
    if pending.tickers:
        every = int(pending.refresh_every(now).total_seconds())
        slot = int(now.timestamp()) // every
        requests.append(
            dg.RunRequest(
                run_key=f"kalshi-refresh-{every}s-{slot}",
                asset_selection=[ledger_key(MARKETS)],
                tags={
                    "tradelake/awaiting_settlement": ",".join(pending.tickers)[:1000],
                    **venue_tags("kalshi"),
                },
            )
        )
    if settled and since is not None:  # the first evaluation only records where we are
        requests.append(
            dg.RunRequest(
                run_key=f"kalshi-settled-{newest.isoformat()}",
                asset_selection=[ledger_key(SETTLEMENTS), ledger_key(POSITIONS)],
                tags={"tradelake/settled": ",".join(settled)[:1000], **venue_tags("kalshi")},
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
