"""How each Hyperliquid ledger table is loaded (see ingestion.loader.LedgerTable).

Two tables with one shape: own fills (`account`) feed core.fills, tracked-wallet fills (`wallet`)
feed core.wallet_events. Kept apart because each is its own stream, asset and cursor, and an
address may be both an own account and a tracked wallet without the two colliding.
"""

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
