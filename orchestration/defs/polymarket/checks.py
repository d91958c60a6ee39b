"""Standard ledger checks for every Polymarket table, plus the wallet-history truncation warning."""

import dagster as dg
import psycopg

from ingestion.polymarket import SOURCE
from ingestion.polymarket.wallets import truncated_wallets
from orchestration.defs.polymarket.assets import FILLS, MARKETS, PRICES, WALLET_ACTIVITY
from orchestration.lib.ingest import ledger_checks, ledger_key
from orchestration.lib.resources import TradelakeResource

standard_checks = [
    c for table in (MARKETS, PRICES, FILLS, WALLET_ACTIVITY) for c in ledger_checks(table)
]


def truncation_check(table: str, stream: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=ledger_key(table), name="wallet_history_complete")
    def _check(tradelake: TradelakeResource) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.database_url()) as conn:
            rows = [r for r in truncated_wallets(conn, SOURCE) if r[1] == stream]
        return dg.AssetCheckResult(
            passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                "the venue would not serve these wallets' full history; see "
                "ops.wallet_history_truncations"
                if rows
                else "every wallet's history is complete"
            ),
            metadata={
                "truncated_wallets": len(rows),
                **({"first": f"{rows[0][0]}: {rows[0][2]}"} if rows else {}),
            },
        )

    return _check


truncation_checks = [
    truncation_check(WALLET_ACTIVITY, "wallet_activity"),
    truncation_check(FILLS, "fills"),
]
