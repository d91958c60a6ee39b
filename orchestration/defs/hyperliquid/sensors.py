"""Newly configured Hyperliquid addresses are backfilled from sync_start without waiting for the
schedule (the shared factory from the Polymarket defs)."""

from ingestion.hyperliquid import SOURCE
from orchestration.defs.hyperliquid.assets import FILLS, WALLET_FILLS
from orchestration.lib.ingest import ledger_key
from orchestration.lib.sensors import new_wallet_sensor

hyperliquid_new_wallets = new_wallet_sensor(
    name="hyperliquid_new_wallets",
    source=SOURCE,
    stream="wallet_fills",
    asset_key=ledger_key(WALLET_FILLS),
    wallets=lambda config: [w.address for w in config.wallets if w.hyperliquid],
)

hyperliquid_new_accounts = new_wallet_sensor(
    name="hyperliquid_new_accounts",
    source=SOURCE,
    stream="fills",
    asset_key=ledger_key(FILLS),
    wallets=lambda config: list(config.accounts.hyperliquid.addresses),
)
