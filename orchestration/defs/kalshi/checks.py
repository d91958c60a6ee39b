"""Standard ledger checks (blocking conflict check, quarantine warning, ...) for every Kalshi
table, with the blocking one-account-per-record check of fills and settlements in their ledgers'
combined check steps."""

import dagster as dg
import psycopg

from orchestration.defs.kalshi.assets import (
    BALANCE,
    EVENTS,
    FILLS,
    MARKETS,
    ORDERS,
    POSITIONS,
    SERIES,
    SETTLEMENTS,
)
from orchestration.lib.checks import CheckPart
from orchestration.lib.ingest import ledger_checks, ledger_key
from orchestration.lib.resources import TradelakeResource

# series and events (reference data, their own 15-minute schedule)
reference_checks = ledger_checks("kalshi_reference", (SERIES, EVENTS))


def one_account_part(table: str, identity: str, what: str) -> CheckPart:
    """Blocking: a venue record (a fill id, a settled market) under two accounts is the same
    record loaded twice, e.g. after a key rotation when the account was named after the key."""
    key = ledger_key(table)
    spec = dg.AssetCheckSpec(
        "one_account_per_record",
        asset=key,
        blocking=True,
        description=(
            f"Each {what} is stored under one account only. Fails, blocking, when the same "
            "Kalshi record sits under two accounts (e.g. after an API key rotation when the "
            "account was named after the key): dbt would count it twice."
        ),
    )

    def evaluate(_context, tradelake: TradelakeResource) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.database_url()) as conn:
            rows = conn.execute(
                f"select {identity}, array_agg(distinct account order by account) "
                f"from ledger.{table} group by {identity} "
                "having count(distinct account) > 1 order by 1"
            ).fetchall()
        example = f"{rows[0][0]} under {', '.join(rows[0][1])}" if rows else None
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=not rows,
            description=(
                f"{len(rows)} {what}(s) stored under more than one account (first: {example}): the "
                "same Kalshi record counted twice. Kalshi rows are kept under "
                "accounts.kalshi.account (default 'kalshi') whatever the API key; see "
                "ingestion/kalshi/README.md"
                if rows
                else f"every {what} is stored under one account"
            ),
            metadata={"duplicated": len(rows), **({"example": example} if example else {})},
        )

    return CheckPart(spec, evaluate)


# the one-account check runs in its ledger's combined check step
_extra = {
    FILLS: [one_account_part(FILLS, "fill_id", "fill id")],
    SETTLEMENTS: [one_account_part(SETTLEMENTS, "ticker", "settled market")],
}

standard_checks = ledger_checks(
    "kalshi", (MARKETS, FILLS, ORDERS, SETTLEMENTS, POSITIONS, BALANCE), _extra
)
