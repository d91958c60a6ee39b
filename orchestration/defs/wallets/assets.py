"""The tracked wallets of tradelake.yaml, written where dbt can read them (core.wallets)."""

import dagster as dg
import psycopg

from ingestion.wallets import record_tracked_wallets
from orchestration.lib.resources import TradelakeResource


@dg.asset(
    key=["ops", "tracked_wallets"],
    group_name="wallets",
    kinds={"python", "postgres"},
    automation_condition=dg.AutomationCondition.on_cron("*/15 * * * *"),
    description=(
        "The `wallets:` of tradelake.yaml in ops.tracked_wallets (label, tags, sources; when "
        "each address was first tracked and the sync_start its history is held from; "
        "addresses removed from the file marked untracked), "
        "for core.wallets."
    ),
)
def tracked_wallets(tradelake: TradelakeResource) -> dg.MaterializeResult:
    config = tradelake.settings().config
    wallets = config.wallets
    with psycopg.connect(tradelake.ingest_url()) as conn:
        tracked, untracked = record_tracked_wallets(conn, wallets, sync_start=config.sync_start)
    return dg.MaterializeResult(
        metadata={
            "tracked": tracked,
            "marked_untracked": untracked,
            "wallets": dg.MetadataValue.md(
                "\n".join(
                    [
                        "| address | label | tags |",
                        "|---|---|---|",
                        *(
                            f"| {w.address} | {w.label or ''} | {', '.join(w.tags)} |"
                            for w in wallets
                        ),
                    ]
                )
                if wallets
                else "no wallet in tradelake.yaml"
            ),
        }
    )
