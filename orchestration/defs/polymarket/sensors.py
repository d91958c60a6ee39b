"""Newly configured Polymarket wallets are backfilled from sync_start without waiting for the
schedule (orchestration/lib/sensors.py)."""

from ingestion.polymarket import SOURCE
from orchestration.defs.polymarket.assets import WALLET_ACTIVITY
from orchestration.lib.ingest import ledger_key
from orchestration.lib.sensors import new_wallet_sensor

polymarket_new_wallets = new_wallet_sensor(
    name="polymarket_new_wallets",
    source=SOURCE,
    stream="wallet_activity",
    asset_key=ledger_key(WALLET_ACTIVITY),
    wallets=lambda config: [w.address for w in config.wallets if w.polymarket],
)
