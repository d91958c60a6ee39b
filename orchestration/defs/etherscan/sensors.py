"""A wallet newly given `evm_chains` (or a chain newly added to one) is backfilled from
sync_start without waiting for the schedule (the shared factory from the Polymarket defs).

Etherscan keeps one cursor per wallet *and chain* (scope "<wallet>:<chainid>"), so the sensor
looks for those pairs."""

from ingestion.etherscan import SOURCE
from ingestion.settings import TradelakeConfig
from orchestration.defs.etherscan.assets import TOKEN_TRANSFERS, TRANSACTIONS
from orchestration.lib.ingest import ledger_key
from orchestration.lib.sensors import new_wallet_sensor


def wallet_chains(config: TradelakeConfig) -> list[str]:
    return [f"{w.address}:{chain}" for w in config.wallets for chain in w.evm_chains]


etherscan_new_wallet_transactions = new_wallet_sensor(
    name="etherscan_new_wallet_transactions",
    source=SOURCE,
    stream="transactions",
    asset_key=ledger_key(TRANSACTIONS),
    wallets=wallet_chains,
)

etherscan_new_wallet_token_transfers = new_wallet_sensor(
    name="etherscan_new_wallet_token_transfers",
    source=SOURCE,
    stream="token_transfers",
    asset_key=ledger_key(TOKEN_TRANSFERS),
    wallets=wallet_chains,
)
