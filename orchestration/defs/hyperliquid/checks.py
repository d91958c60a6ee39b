"""Standard ledger checks for both Hyperliquid tables, plus the wallet-history truncation warning
(the venue serves only the 10000 most recent fills of an address)."""

import dagster as dg
import psycopg

from ingestion.hyperliquid import SOURCE
from ingestion.polymarket.wallets import truncated_wallets
from orchestration.defs.hyperliquid.assets import FILLS, WALLET_FILLS
from orchestration.lib.ingest import ledger_checks, ledger_key
from orchestration.lib.resources import TradelakeResource

standard_checks = [c for table in (FILLS, WALLET_FILLS) for c in ledger_checks(table)]


def truncation_check(table: str, stream: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=ledger_key(table), name="wallet_history_complete")
    def _check(tradelake: TradelakeResource) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.database_url()) as conn:
            rows = [r for r in truncated_wallets(conn, SOURCE) if r[1] == stream]
        return dg.AssetCheckResult(
            passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                "Hyperliquid would not serve these addresses' full fill history; see "
                "ops.wallet_history_truncations"
                if rows
                else "every address's fill history is complete"
            ),
            metadata={
                "truncated_addresses": len(rows),
                **({"first": f"{rows[0][0]}: {rows[0][2]}"} if rows else {}),
            },
        )

    return _check


truncation_checks = [
    truncation_check(FILLS, "fills"),
    truncation_check(WALLET_FILLS, "wallet_fills"),
]
