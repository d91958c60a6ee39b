"""Tracked wallets' EVM activity every 15 minutes (incremental: cursor per wallet and chain).

Each (wallet, chain, stream) costs at least two calls per run (the query and the confirmation
from its last block): 96 runs/day stay far below the free tier's 100,000 calls/day.
"""

import dagster as dg

from orchestration.defs.etherscan.assets import TOKEN_TRANSFERS, TRANSACTIONS
from orchestration.lib.ingest import ledger_key, venue_tags

etherscan_wallets_every_15_minutes = dg.ScheduleDefinition(
    name="etherscan_wallets_every_15_minutes",
    target=dg.AssetSelection.assets(ledger_key(TRANSACTIONS), ledger_key(TOKEN_TRANSFERS)),
    cron_schedule="*/15 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=venue_tags("etherscan"),
    description="Normal transactions and ERC-20 transfers of wallets with `evm_chains`.",
)
