"""Own and tracked-wallet fills and own orders every 5 minutes (fills incremental: cursor per
address); tracked-wallet equity hourly (a snapshot: it moves with every mark price, an hour-old
one sizes a trade well enough and keeps the ledger small); candles hourly, a few minutes past
the hour, so the hour that just ended is read closed (and the new one as its first open
version); perp asset contexts every 5 minutes, like OKX tickers (one request for every coin;
marts.market_states reads the latest within each candle's hour); own positions and account
summary every 15 minutes (they move with every mark: a quarter-hour keeps the equity curve's
hourly marks fresh without a row per minute); own funding hourly, after the venue's hourly
settlement."""

import dagster as dg

from orchestration.defs.hyperliquid.assets import (
    ACCOUNTS,
    ASSET_CONTEXTS,
    CANDLES,
    FILLS,
    FUNDING,
    ORDERS,
    POSITIONS,
    WALLET_EQUITY,
    WALLET_FILLS,
)
from orchestration.lib.ingest import ledger_key, venue_tags

hyperliquid_fills_every_5_minutes = dg.ScheduleDefinition(
    name="hyperliquid_fills_every_5_minutes",
    target=dg.AssetSelection.assets(
        ledger_key(FILLS), ledger_key(WALLET_FILLS), ledger_key(ORDERS)
    ),
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description=(
        "Hyperliquid own fills and tracked-wallet fills since each address's cursor; own orders."
    ),
)

hyperliquid_wallet_equity_hourly = dg.ScheduleDefinition(
    name="hyperliquid_wallet_equity_hourly",
    target=dg.AssetSelection.assets(ledger_key(WALLET_EQUITY)),
    cron_schedule="11 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description="Tracked wallets' perp account value (clearinghouseState), a row when it changed.",
)

hyperliquid_candles_hourly = dg.ScheduleDefinition(
    name="hyperliquid_candles_hourly",
    target=dg.AssetSelection.assets(ledger_key(CANDLES)),
    cron_schedule="2 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description="Hourly candles of markets.hyperliquid.coins since each coin's cursor.",
)

hyperliquid_positions_every_15_minutes = dg.ScheduleDefinition(
    name="hyperliquid_positions_every_15_minutes",
    target=dg.AssetSelection.assets(ledger_key(POSITIONS), ledger_key(ACCOUNTS)),
    cron_schedule="*/15 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description="Own perp positions and account summary (clearinghouseState), a row per change.",
)

hyperliquid_funding_hourly = dg.ScheduleDefinition(
    name="hyperliquid_funding_hourly",
    target=dg.AssetSelection.assets(ledger_key(FUNDING)),
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description="Own funding payments (userFunding) since each address's cursor.",
)

hyperliquid_asset_contexts_every_5_minutes = dg.ScheduleDefinition(
    name="hyperliquid_asset_contexts_every_5_minutes",
    target=dg.AssetSelection.assets(ledger_key(ASSET_CONTEXTS)),
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("hyperliquid"),
    description=(
        "Perp asset contexts (metaAndAssetCtxs) of markets.hyperliquid.coins, a row per change."
    ),
)
