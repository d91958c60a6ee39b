"""Hyperliquid: own fills, own orders, tracked-wallet fills, tracked-wallet equity, hourly
candles, perp asset contexts (mark/mid/oracle/impact prices), own positions (with the account
summary) and own funding, one asset each, in group `hyperliquid`."""

from ingestion.hyperliquid import SOURCE
from ingestion.hyperliquid.asset_contexts import sync_asset_contexts
from ingestion.hyperliquid.sync import (
    sync_accounts,
    sync_candles,
    sync_fills,
    sync_funding,
    sync_orders,
    sync_positions,
    sync_wallet_equity,
    sync_wallet_fills,
)
from orchestration.lib.ingest import ledger_asset

FILLS = "hyperliquid_fills"
WALLET_FILLS = "hyperliquid_wallet_fills"
WALLET_EQUITY = "hyperliquid_wallet_equity"
CANDLES = "hyperliquid_candles"
POSITIONS = "hyperliquid_position_observations"
ACCOUNTS = "hyperliquid_account_observations"
FUNDING = "hyperliquid_funding"
ORDERS = "hyperliquid_order_observations"
ASSET_CONTEXTS = "hyperliquid_asset_context_observations"

hyperliquid_fills = ledger_asset(
    source=SOURCE,
    stream="fills",
    table=FILLS,
    sync=sync_fills,
    description=(
        "Own fills of accounts.hyperliquid.addresses (perps and spot), one row per fill (tid); "
        "fee includes any builder fee, realised PnL as the venue reports it."
    ),
)

hyperliquid_wallet_fills = ledger_asset(
    source=SOURCE,
    stream="wallet_fills",
    table=WALLET_FILLS,
    sync=sync_wallet_fills,
    description="Fills of tracked wallets with `hyperliquid: true`, each once (wallet, tid).",
)

hyperliquid_wallet_equity = ledger_asset(
    source=SOURCE,
    stream="wallet_equity",
    table=WALLET_EQUITY,
    sync=sync_wallet_equity,
    description=(
        "Perp account summary (clearinghouseState) of tracked wallets with `hyperliquid: true`, "
        "a row when it changed: marginSummary.accountValue is the wallet's equity in USDC, the "
        "denominator of core.wallet_events.size_fraction."
    ),
)

hyperliquid_candles = ledger_asset(
    source=SOURCE,
    stream="candles",
    table=CANDLES,
    sync=sync_candles,
    description=(
        "Hourly candles (candleSnapshot, 1h) of markets.hyperliquid.coins, a row per version of "
        "a candle: the still-open hour as seen, again once it changed or closed. Prices in USDC, "
        "volume in the coin. Feeds core.candles and marts.market_states."
    ),
)

hyperliquid_position_observations = ledger_asset(
    source=SOURCE,
    stream="positions",
    table=POSITIONS,
    sync=sync_positions,
    description=(
        "Own perpetual positions (clearinghouseState of accounts.hyperliquid.addresses), a row "
        "per changed state, a closed position recorded flat. Feeds core.positions and "
        "marts.account_equity."
    ),
)

hyperliquid_account_observations = ledger_asset(
    source=SOURCE,
    stream="accounts",
    table=ACCOUNTS,
    sync=sync_accounts,
    description=(
        "Own perp account summary (clearinghouseState marginSummary), a row when it changed: "
        "accountValue is the equity, withdrawable the free cash (USDC). Feeds core.balances."
    ),
)

hyperliquid_funding = ledger_asset(
    source=SOURCE,
    stream="funding",
    table=FUNDING,
    sync=sync_funding,
    description=(
        "Own hourly funding payments (userFunding) since each address's cursor, each once "
        "(account, coin, paid_at); usdc as sent (negative = paid). Feeds core.funding_payments."
    ),
)

hyperliquid_orders = ledger_asset(
    source=SOURCE,
    stream="orders",
    table=ORDERS,
    sync=sync_orders,
    description=(
        "Own orders of accounts.hyperliquid.addresses (POST /info historicalOrders, the 2000 most "
        "recent), a row per changed state (statusTimestamp is not the version); status mapped "
        "to resting/partial/filled/canceled/rejected, the venue's status kept."
    ),
)

hyperliquid_asset_contexts = ledger_asset(
    source=SOURCE,
    stream="asset_contexts",
    table=ASSET_CONTEXTS,
    sync=sync_asset_contexts,
    description=(
        "Perp asset contexts (POST /info metaAndAssetCtxs) of markets.hyperliquid.coins, a row "
        "per coin when its context changed: mark, mid (NULL without a book), oracle and impact "
        "prices (USDC), hourly funding, open interest (coin). Feeds marts.market_states' spread "
        "and the fallback mark of core.positions."
    ),
)
