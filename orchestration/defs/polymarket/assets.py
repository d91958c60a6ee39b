"""Polymarket: one asset per stream, all in group `polymarket`."""

from ingestion.polymarket import SOURCE
from ingestion.polymarket.sync import (
    sync_fills,
    sync_markets,
    sync_prices,
    sync_wallet_activity,
    sync_wallet_value,
)
from orchestration.lib.ingest import ledger_asset, ledger_key

MARKETS = "polymarket_market_observations"
PRICES = "polymarket_price_points"
FILLS = "polymarket_fills"
WALLET_ACTIVITY = "polymarket_wallet_activity"
WALLET_VALUE = "polymarket_wallet_value"

polymarket_markets = ledger_asset(
    source=SOURCE,
    stream="markets",
    table=MARKETS,
    sync=sync_markets,
    description="Gamma markets of markets.polymarket.slugs/tag_ids, one row per outcome version.",
)

polymarket_prices = ledger_asset(
    source=SOURCE,
    stream="prices",
    table=PRICES,
    sync=sync_prices,
    description="CLOB price history of every observed outcome token (hourly points).",
    deps=[ledger_key(MARKETS)],  # the token list comes from the market observations
)

polymarket_fills = ledger_asset(
    source=SOURCE,
    stream="fills",
    table=FILLS,
    sync=sync_fills,
    description="Own trades of accounts.polymarket.addresses (maker fills included).",
)

polymarket_wallet_activity = ledger_asset(
    source=SOURCE,
    stream="wallet_activity",
    table=WALLET_ACTIVITY,
    sync=sync_wallet_activity,
    description="Every activity of tracked wallets with `polymarket: true`, each exactly once.",
)

polymarket_wallet_value = ledger_asset(
    source=SOURCE,
    stream="wallet_value",
    table=WALLET_VALUE,
    sync=sync_wallet_value,
    description=(
        "Open-positions value (Data API /value, USDC) of tracked wallets with `polymarket: "
        "true`, a row when it changed: the denominator of core.wallet_events.size_fraction "
        "(idle cash is not included, so it is a lower bound of the wallet's equity)."
    ),
)
