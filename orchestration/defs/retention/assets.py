"""Retention: raw pages older than the configured months go to verified Parquet archives."""

from datetime import UTC, datetime

import dagster as dg
import psycopg
from upath import UPath

from orchestration.lib.resources import TradelakeResource


@dg.asset(
    key=dg.AssetKey(["ops", "raw_pages_archive"]),
    group_name="retention",
    kinds={"python", "parquet"},
    description=(
        "Monthly partitions of raw.pages older than `retention.raw_pages_months` exported to "
        "Parquet under `retention.archive_root`, read back and verified (row count + checksum), "
        "recorded in ops.archive_manifest, then dropped."
    ),
)
def raw_pages_archive(context: dg.AssetExecutionContext, tradelake: TradelakeResource):
    from ingestion.archive import archive_raw_pages  # pyarrow: not at every definitions load

    settings = tradelake.settings()
    retention = settings.config.retention
    root = UPath(retention.archive_root) if retention.archive_root else settings.home / "archive"
    with psycopg.connect(tradelake.database_url(), autocommit=True) as conn:
        done = archive_raw_pages(
            conn, UPath(root), keep_months=retention.raw_pages_months, now=datetime.now(UTC)
        )
    for item in done:
        context.log.info(f"archived raw.{item.partition}: {item.rows} rows -> {item.uri}")
    return dg.MaterializeResult(
        metadata={
            "partitions_archived": len(done),
            "rows_archived": sum(a.rows for a in done),
            "archive_root": str(root),
            "files": dg.MetadataValue.md(
                "\n".join(f"- `{a.uri}` ({a.rows} rows)" for a in done)
                or "nothing older than the retention window"
            ),
        }
    )


@dg.asset_check(
    asset=raw_pages_archive,
    blocking=True,
    description=(
        "Every archive file written by retention was read back and matched its manifest "
        "(ops.archive_manifest.verified_at) before the raw pages it holds were deleted."
    ),
)
def every_archive_verified(tradelake: TradelakeResource) -> dg.AssetCheckResult:
    with psycopg.connect(tradelake.database_url()) as conn:
        row = conn.execute(
            "select count(*) filter (where verified_at is null), count(*) from ops.archive_manifest"
        ).fetchone()
    unverified, total = row or (0, 0)
    return dg.AssetCheckResult(
        passed=unverified == 0,
        metadata={"archives": total, "unverified": unverified},
    )


raw_pages_retention_schedule = dg.ScheduleDefinition(
    name="raw_pages_retention_daily",
    target=raw_pages_archive,
    cron_schedule="30 3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
