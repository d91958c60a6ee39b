"""Standard ledger checks for both Etherscan tables, plus the history-completeness warning (a
block holding more of a wallet's rows than one query returns cannot be read whole)."""

import dagster as dg
import psycopg

from ingestion.etherscan import SOURCE
from ingestion.polymarket.wallets import truncated_wallets
from orchestration.defs.etherscan.assets import TOKEN_TRANSFERS, TRANSACTIONS
from orchestration.lib.ingest import ledger_checks, ledger_key
from orchestration.lib.resources import TradelakeResource

standard_checks = [c for table in (TRANSACTIONS, TOKEN_TRANSFERS) for c in ledger_checks(table)]


def truncation_check(table: str, stream: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=ledger_key(table), name="wallet_history_complete")
    def _check(tradelake: TradelakeResource) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.database_url()) as conn:
            # streams are recorded per chain: "<stream>:<chainid>"
            rows = [r for r in truncated_wallets(conn, SOURCE) if r[1].startswith(f"{stream}:")]
        return dg.AssetCheckResult(
            passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                "Etherscan could not serve these wallets' complete history; see "
                "ops.wallet_history_truncations"
                if rows
                else "every wallet's history is complete"
            ),
            metadata={
                "truncated_wallets": len(rows),
                **({"first": f"{rows[0][0]} ({rows[0][1]}): {rows[0][2]}"} if rows else {}),
            },
        )

    return _check


truncation_checks = [
    truncation_check(TRANSACTIONS, "transactions"),
    truncation_check(TOKEN_TRANSFERS, "token_transfers"),
]
