"""Fills, instruments, positions, balances and own orders every 5 minutes (fills incremental:
cursor per instType; the others append only what changed); tickers every 5 minutes too (the
spread of marts.market_states is read at the latest ticker before each candle's close); candles and
funding bills hourly, a few minutes past the hour, so the hour that just ended is read closed and
the 8-hourly funding bills are in."""

import dagster as dg

from orchestration.defs.okx.assets import (
    BALANCES,
    CANDLES,
    FILLS,
    FUNDING,
    INSTRUMENTS,
    ORDERS,
    POSITIONS,
    TICKERS,
)
from orchestration.lib.ingest import ledger_key, venue_tags

okx_every_5_minutes = dg.ScheduleDefinition(
    name="okx_every_5_minutes",
    target=dg.AssetSelection.assets(
        *(ledger_key(t) for t in (FILLS, INSTRUMENTS, TICKERS, POSITIONS, BALANCES, ORDERS))
    ),
    cron_schedule="1-59/5 * * * *",  # off the minute other venues' schedules start on
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("okx"),
    description=(
        "OKX own fills (incremental), instruments, tickers, positions, balances and own orders."
    ),
)

okx_candles_hourly = dg.ScheduleDefinition(
    name="okx_candles_hourly",
    target=dg.AssetSelection.assets(ledger_key(CANDLES), ledger_key(FUNDING)),
    cron_schedule="3 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("okx"),
    description="Hourly candles of markets.okx.instruments since each cursor; funding bills.",
)
