"""The operational and reference tables (ops.*, ref.*) as observable assets: what the pipeline
keeps about itself (quarantine, conflicts, drift, syncs, check results, deliveries) and what the
trading side writes (ref.*) can be browsed in the Dagster catalog, with row counts and the latest
rows, instead of being never-materialized stubs. dbt reads them as sources; nothing in Dagster
writes them, so they are observed (every 5 minutes under `tradelake dev`), not materialized."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

import dagster as dg
import psycopg

from orchestration.lib.resources import TradelakeResource

EVERY_5_MINUTES = "*/5 * * * *"


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    description: str
    latest: str | None = None  # a query of the rows worth seeing first (at most 10)
    # A changed table gets a new data version, which refreshes the eager dbt models reading it
    # (a new quarantined record, a new order tag). Logs that change on every run (sync_runs,
    # check_results, deliveries) are observed without one: they must not rebuild dbt each time.
    versioned: bool = True


TABLES = [
    Table(
        "ops",
        "quarantine",
        "Records a source could not load, each with its reason, stream and raw page (the page "
        "is kept in raw.pages, the record's page-mates loaded). A row stays until the cause is "
        "fixed and the stream re-run. Its quarantine_empty checks warn per ledger.",
        "select source, stream, reason, page_id, seen_count, last_seen_at from ops.quarantine "
        "order by last_seen_at desc, quarantine_id desc limit 10",
    ),
    Table(
        "ops",
        "ledger_conflicts",
        "A natural key a venue re-delivered with content different from the stored row: both "
        "versions, for someone to decide. Its no_conflicting_redelivery checks block dbt.",
        "select table_name, natural_key::text, page_id, detected_at from ops.ledger_conflicts "
        "order by detected_at desc limit 10",
    ),
    Table(
        "ops",
        "schema_drift",
        "Fields a venue added, dropped, retyped or changed the unit of, per source and stream "
        "(ingestion/drift.py); an open blocking row holds the stream's cursor until cleared.",
        "select source, stream, field, change, is_blocking, page_id, first_seen_at "
        "from ops.schema_drift "
        "where cleared_at is null order by first_seen_at desc limit 10",
    ),
    Table(
        "ops",
        "sync_runs",
        "One row per stream sync: status, rows, error. What source_ok and the report's stale "
        "streams read.",
        "select source, stream, status, started_at, inserted, quarantined, message "
        "from ops.sync_runs order by started_at desc limit 10",
        versioned=False,
    ),
    Table(
        "ops",
        "check_results",
        "Every expectation, chain verification and verify verdict per run (quality/results.py).",
        "select suite, relation, expectation, observed_value, run_id, checked_at "
        "from ops.check_results where not success order by checked_at desc limit 10",
        versioned=False,
    ),
    Table(
        "ops",
        "report_deliveries",
        "Each 4h report's delivery attempts to the chat webhook.",
        "select period_start, status, attempts, response_code, last_error, last_attempt_at "
        "from ops.report_deliveries order by last_attempt_at desc nulls last limit 10",
        versioned=False,
    ),
    Table("ref", "strategies", "Strategy versions (name, version, immutable config, status)."),
    Table("ref", "probability_models", "Probability model versions, as ref.strategies."),
    Table(
        "ref",
        "order_tags",
        "Own orders linked to the strategy and model versions that placed them.",
    ),
    Table("ref", "model_probabilities", "Models' probabilities per market outcome over time."),
    Table("ref", "probability_matrices", "Historical win probabilities by game state."),
    Table("ref", "challenges", "Prop-firm challenges' rule sets (immutable)."),
]


def _observable(table: Table) -> dg.AssetsDefinition:
    qualified = f"{table.schema}.{table.name}"
    key = dg.AssetKey([table.schema, table.name])

    @dg.multi_observable_source_asset(
        name=f"observe_{table.schema}_{table.name}",
        specs=[
            dg.AssetSpec(
                key,
                description=f"{table.description}\n\n`{qualified}`, observed every 5 minutes.",
                group_name=table.schema,
                kinds={"postgres"},
                automation_condition=dg.AutomationCondition.on_cron(EVERY_5_MINUTES),
            )
        ],
    )
    def _observe(tradelake: TradelakeResource):
        with psycopg.connect(tradelake.database_url()) as conn:
            count = conn.execute(f"select count(*) from {qualified}").fetchone()[0]
            latest = conn.execute(table.latest).fetchall() if table.latest else []
            columns = [c.name for c in conn.execute(table.latest).description] if latest else []
        metadata: dict[str, object] = {"dagster/row_count": count}
        if latest:
            rows = "\n".join(
                "| " + " | ".join(str(v)[:120].replace("|", "/") for v in row) + " |"
                for row in latest
            )
            header = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)
            metadata["latest"] = dg.MetadataValue.md(f"{header}\n{rows}")
        version = hashlib.sha256(f"{count}|{latest}".encode()).hexdigest()[:16]
        yield dg.ObserveResult(
            asset_key=key,
            data_version=dg.DataVersion(version) if table.versioned else None,
            metadata=metadata,
        )

    return _observe


with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)  # multi_observable_source_asset
    state_assets = [_observable(t) for t in TABLES]
