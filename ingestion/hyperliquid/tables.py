"""How each Hyperliquid ledger table is loaded (see ingestion.loader.LedgerTable).

Fills: two tables with one shape. Own fills (`account`) feed core.fills, tracked-wallet fills
(`wallet`) feed core.wallet_events. Kept apart because each is its own stream, asset and
cursor, and an address may be both an own account and a tracked wallet without the two
colliding. Tracked-wallet equity (clearinghouseState) is a third table, of snapshots.
"""

from ingestion.hyperliquid.normalize import POSITION_COLUMNS
from ingestion.loader import LedgerTable

COMMON = (
    "tid",
    "oid",
    "cloid",
    "tx_hash",
    "coin",
    "symbol",
    "market_type",
    "side",
    "side_raw",
    "price",
    "size",
    "start_position",
    "dir",
    "closed_pnl",
    "fee",
    "fee_token",
    "builder_fee",
    "is_taker",
    "twap_id",
    "is_liquidation",
    "liquidation_method",
    "liquidation_mark_px",
    "liquidated_user",
    "executed_at",
)
# The readable symbol comes from spotMeta at load time, not from the fill: a renamed token must
# not turn a re-delivered fill into a conflict.
DERIVED = ("symbol", "market_type")

FILLS = LedgerTable(
    name="ledger.hyperliquid_fills",
    columns=("account", *COMMON),
    key=("account", "tid"),
    hash_exclude=DERIVED,
)

WALLET_FILLS = LedgerTable(
    name="ledger.hyperliquid_wallet_fills",
    columns=("wallet", *COMMON),
    key=("wallet", "tid"),
    hash_exclude=DERIVED,
)

# A snapshot, not an event: one row per change of the wallet's account summary (observation mode,
# keyed on our clock). venue_time moves on every answer, so it is kept but not hashed: an
# unchanged account is not a new version.
WALLET_EQUITY = LedgerTable(
    name="ledger.hyperliquid_wallet_equity",
    columns=(
        "wallet",
        "account_value",
        "total_ntl_pos",
        "total_margin_used",
        "withdrawable",
        "venue_time",
        "observed_at",
    ),
    key=("wallet", "observed_at"),
    mode="observation",
    hash_exclude=("venue_time",),
)

# Hourly candles of markets.hyperliquid.coins: versions of a candle (observation mode, keyed on
# our clock): the still-open hour is kept as it was seen and again once it closed; a re-read of
# an unchanged candle adds nothing.
CANDLES = LedgerTable(
    name="ledger.hyperliquid_candles",
    columns=(
        "coin",
        "interval",
        "open_time",
        "close_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "trades",
        "is_closed",
        "observed_at",
    ),
    key=("coin", "interval", "open_time", "observed_at"),
    mode="observation",
)

# Own accounts (accounts.hyperliquid.addresses): the clearinghouseState answer, read each run.
# Positions: one row per change of a position (observation mode, keyed on our clock; the venue's
# `time` moves on every answer and is not part of the state). A position absent from a later
# answer is recorded flat (szi 0), so a closed position leaves core.positions.
POSITION_OBSERVATIONS = LedgerTable(
    name="ledger.hyperliquid_position_observations",
    columns=POSITION_COLUMNS,
    key=("account", "coin", "observed_at"),
    mode="observation",
    hash_exclude=("venue_time",),
)

# The own account's summary: equity (accountValue) and withdrawable cash, a row when it changed.
ACCOUNT_OBSERVATIONS = LedgerTable(
    name="ledger.hyperliquid_account_observations",
    columns=(
        "account",
        "account_value",
        "unrealized_pnl",
        "total_ntl_pos",
        "total_margin_used",
        "withdrawable",
        "venue_time",
        "observed_at",
    ),
    key=("account", "observed_at"),
    mode="observation",
    hash_exclude=("venue_time",),
)

# Hourly funding payments of own perpetual positions (userFunding), each once: the venue's `hash`
# is not documented as unique per payment (one settlement pays every coin of the account), so the
# key is (account, coin, paid_at).
FUNDING = LedgerTable(
    name="ledger.hyperliquid_funding",
    columns=(
        "account",
        "coin",
        "paid_at",
        "usdc",
        "szi",
        "funding_rate",
        "n_samples",
        "tx_hash",
    ),
    key=("account", "coin", "paid_at"),
)
# Own orders (historicalOrders): every changed state is a version (our clock). statusTimestamp is
# kept but excluded from the version: a changed state under an unchanged statusTimestamp is still
# a new row, an unchanged order re-read adds nothing.
ORDERS = LedgerTable(
    name="ledger.hyperliquid_order_observations",
    columns=(
        "account", "oid", "cloid", "coin", "market_type", "side", "order_type", "status",
        "status_raw", "price", "quantity", "filled_quantity", "remaining_quantity",
        "reduce_only", "created_at", "venue_updated_at", "observed_at",
    ),
    key=("account", "oid", "observed_at"),
    mode="observation",
    hash_exclude=("venue_updated_at",),
)  # fmt: skip

# Perp asset contexts of markets.hyperliquid.coins (metaAndAssetCtxs): a row per coin when its
# context changed (observation mode, keyed on our clock; the answer has no venue timestamp, so
# nothing is left out of the version).
ASSET_CONTEXTS = LedgerTable(
    name="ledger.hyperliquid_asset_context_observations",
    columns=(
        "coin", "mark_px", "mid_px", "oracle_px", "funding", "premium", "open_interest",
        "day_ntl_vlm", "day_base_vlm", "prev_day_px", "impact_bid_px", "impact_ask_px",
        "sz_decimals", "max_leverage", "only_isolated", "is_delisted", "observed_at",
    ),
    key=("coin", "observed_at"),
    mode="observation",
)  # fmt: skip
