"""Newly configured tracked wallets are backfilled from sync_start without waiting for the
schedule: one sensor factory that every wallet source (Polymarket, Hyperliquid, EVM) uses."""

from collections.abc import Callable

import dagster as dg
import psycopg

from ingestion.settings import ConfigError, TradelakeConfig
from ingestion.wallets import wallets_lacking_cursor
from orchestration.lib.ingest import venue_tags
from orchestration.lib.resources import TradelakeResource


def new_wallet_sensor(
    *,
    name: str,
    source: str,
    stream: str,
    asset_key: dg.AssetKey,
    wallets: Callable[[TradelakeConfig], list[str]],
) -> dg.SensorDefinition:
    """Requests a run of `asset_key` when a configured wallet has no cursor for `stream` yet
    (the sync then reaches back to sync_start for it). One run per set of new wallets."""

    @dg.sensor(
        name=name,
        asset_selection=[asset_key],
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Backfills newly configured {source} wallets from sync_start.",
    )
    def _sensor(context: dg.SensorEvaluationContext, tradelake: TradelakeResource):
        try:
            configured = wallets(tradelake.settings().config)
        except ConfigError as exc:
            return dg.SkipReason(str(exc))
        if not configured:
            return dg.SkipReason(f"no {source} wallets configured")
        with psycopg.connect(tradelake.database_url()) as conn:
            new = wallets_lacking_cursor(conn, source, stream, configured)
        if not new:
            return dg.SkipReason("every configured wallet has been synced")
        return dg.RunRequest(
            run_key=f"{source}-{stream}-new:{','.join(new)}",
            asset_selection=[asset_key],
            tags={"tradelake/new_wallets": ",".join(new)[:1000], **venue_tags(source)},
        )

    return _sensor
