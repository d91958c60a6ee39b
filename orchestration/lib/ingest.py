"""Factories every source uses: one asset per ledger stream, and the standard ledger checks.

One venue down never stops the others (DESIGN principle 8). Dagster runs a step only when every
upstream step succeeded and emitted its output (there is no "run even if upstream failed"
switch: dagster-io/dagster#15761, #9408, #22242), and dbt is one step downstream of every ledger.
So a venue failure does not fail the ledger asset's step: the sync records it in ops.sync_runs
(`failed`, with the error), the asset's materialization says `sync_status: failed` with the
error (the ledger keeps its last good data), and its `source_ok` check fails with ERROR severity
and fails its step (one per source), so the run is red and `tradelake materialize` exits 1,
while dbt, which does not wait for non-blocking checks, builds everything from what loaded.
Errors of our own (bugs, configuration, the database) still fail the asset's step. Blocking
checks still block.
"""

from collections.abc import Mapping, Sequence

import dagster as dg
import psycopg

from ingestion.freshness import StreamHealth, stream_health
from ingestion.sync import SyncFn
from ingestion.wallets import truncated_wallets
from orchestration.lib.chain import chain_part
from orchestration.lib.checks import CheckPart, combined, standalone
from orchestration.lib.expectations import expectations_part, ledger_suite
from orchestration.lib.resources import TradelakeResource

# Every run that calls a venue carries its name: deploy/dagster.yaml's QueuedRunCoordinator
# runs one at a time per venue (tag concurrency), so runs respect each venue's rate limit.
VENUE_TAG = "tradelake/venue"


def venue_tags(source: str) -> dict[str, str]:
    return {VENUE_TAG: source}


# table -> (source, stream), filled as ledger assets are defined, so checks can scope themselves
_STREAMS: dict[str, tuple[str, str]] = {}


def ledger_key(table: str) -> dg.AssetKey:
    """Ledger assets are keyed like the dbt sources that read them: ledger/<table>."""
    return dg.AssetKey(["ledger", table])


def ledger_asset(
    *,
    source: str,
    stream: str,
    table: str,
    sync: SyncFn,
    description: str,
    deps: Sequence[dg.AssetKey | str] = (),
    automation_condition: dg.AutomationCondition | None = None,
) -> dg.AssetsDefinition:
    """An asset that runs `sync` for one stream and lands it in ledger.<table>."""
    _STREAMS[table] = (source, stream)

    @dg.asset(
        key=ledger_key(table),
        group_name=source,
        kinds={"python", "postgres"},
        description=description,
        deps=list(deps),
        automation_condition=automation_condition,
        tags={"tradelake/source": source},
    )
    def _asset(context: dg.AssetExecutionContext, tradelake: TradelakeResource):
        result = tradelake.sync(source, stream, sync, log=context.log)
        if result.skipped:
            context.log.warning(f"{source}.{stream} skipped: {result.skipped}")
        with psycopg.connect(tradelake.ingest_url()) as conn:
            version = ledger_version(conn, f"ledger.{table}")
        return dg.MaterializeResult(metadata=result.metadata(), data_version=version)

    return _asset


def ledger_version(conn: psycopg.Connection, qualified: str) -> dg.DataVersion:
    """The ledger's content as a data version: the head of its hash chain (last chain_seq and
    chain_hash), which moves with every row appended and only then. A sync that loaded nothing
    keeps the version, so the dbt models downstream are not scheduled for it
    (orchestration/lib/dbt.py `on_changed_inputs`)."""
    row = conn.execute(
        "select chain_seq, chain_hash from ops.ledger_chain_heads where table_name = %s",
        (qualified,),
    ).fetchone()
    return dg.DataVersion(f"{row[0]}:{row[1][:16]}" if row and row[0] else "empty")


def ledger_checks(
    name: str, tables: Sequence[str], extra: Mapping[str, Sequence[CheckPart]] | None = None
) -> list[dg.AssetChecksDefinition]:
    """The standard checks of a source's ledgers. Blocking: no conflicting re-deliveries, the
    hash chain of the rows added (chain_intact, orchestration/lib/chain.py), no schema or unit
    drift (schema_drift), the ledger's Great Expectations suite (expectations,
    orchestration/lib/expectations.py). Error (non-blocking): the latest sync reached the venue
    (source_ok). Warning: nothing waiting in quarantine. Plus the source's own checks of a
    ledger (`extra[table]`, e.g. wallet_history_complete).

    One step for the `source_ok` of every ledger listed (`<name>_source_ok`: it fails when a
    stream is stale, so the run is red while dbt, which waits for blocking checks only, still
    runs), and one step per ledger for all its other checks (`<table>_ledger_checks`,
    orchestration/lib/checks.py). Each is still its own check in the UI, with its own result,
    severity and blocking. As one step each, a whole run spent more time in Dagster's per-step
    bookkeeping than in these checks' queries (docs/benchmarks.md, eighth pass)."""
    checks = [source_ok_checks(f"{name}_source_ok", tables)]
    for table in tables:
        key = ledger_key(table)
        qualified = f"ledger.{table}"
        parts = [
            conflicts_part(key, qualified),
            quarantine_part(key, table),
            chain_part(key, qualified),
            drift_part(table),
        ]
        rules = ledger_suite(table)
        if rules is not None:
            parts.append(expectations_part(key, table, rules))
        parts.extend((extra or {}).get(table, ()))
        checks.append(combined(f"{table}_ledger_checks", parts))
    return checks


SOURCE_OK = "source_ok"
STALE_STREAMS = "stale_streams"  # the failed step's metadata: the CLI lists them from the checks


def source_ok_checks(name: str, tables: Sequence[str]) -> dg.AssetChecksDefinition:
    """`source_ok` of each ledger, in one step that fails when any of them is stale."""
    specs = [
        dg.AssetCheckSpec(
            SOURCE_OK,
            asset=ledger_key(table),
            description=(
                "The stream's latest sync reached the venue (ops.sync_runs). Fails while the "
                "venue fails (HTTP error, retries exhausted, unreachable): the ledger is stale, "
                "keeping its last good data, and the run fails; dbt still builds on what the "
                "other sources loaded."
            ),
        )
        for table in tables
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True)
    def _check(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        selected = {key.asset_key for key in context.selected_asset_check_keys}
        stale = []
        with psycopg.connect(tradelake.database_url()) as conn:
            for table in tables:
                if ledger_key(table) not in selected:
                    continue
                source, stream = _STREAMS[table]
                health = stream_health(conn, source, stream)
                if health.is_stale:
                    stale.append(health)
                yield _source_ok_result(table, health)
        if stale:
            # Fails this step only: the run (and `tradelake materialize`) ends failed so
            # schedulers notice, while dbt, which waits for blocking checks only, has run.
            raise dg.Failure(
                description="stale " + "; ".join(h.describe() for h in stale),
                metadata={STALE_STREAMS: ", ".join(h.name for h in stale)},
                allow_retries=False,
            )

    return _check


def _source_ok_result(table: str, health: StreamHealth) -> dg.AssetCheckResult:
    metadata: dict[str, object] = {
        "latest_sync": health.status or "none",
        "failed_runs_since_success": health.failed_runs,
    }
    if health.last_success_at:
        metadata["last_success_at"] = health.last_success_at.isoformat()
    if health.is_stale:
        metadata["failing_since"] = health.failing_since.isoformat()  # type: ignore[union-attr]
        metadata["error"] = health.error
    return dg.AssetCheckResult(
        asset_key=ledger_key(table),
        check_name=SOURCE_OK,
        passed=not health.is_stale,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(f"stale: {health.describe()}" if health.is_stale else health.describe()),
        metadata=metadata,
    )


def conflicts_part(key: dg.AssetKey, qualified: str) -> CheckPart:
    spec = dg.AssetCheckSpec(
        "no_conflicting_redelivery",
        asset=key,
        blocking=True,
        description=(
            "A record the venue delivered again has the content stored the first time. Fails, "
            "blocking, when the same natural key came back different (ops.ledger_conflicts "
            "holds both versions): the ledger kept the first, and dbt waits until someone "
            "decides which is right."
        ),
    )

    def evaluate(_context, tradelake: TradelakeResource) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.ingest_url()) as conn:
            row = conn.execute(
                "select count(*), min(natural_key::text) from ops.ledger_conflicts "
                "where table_name = %s",
                (qualified,),
            ).fetchone()
        count, example = row or (0, None)
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=count == 0,
            description=(
                "same natural key re-delivered with different content; see ops.ledger_conflicts"
                if count
                else "every re-delivered record matched the stored one"
            ),
            metadata={"conflicts": count, **({"example_key": example} if example else {})},
        )

    return CheckPart(spec, evaluate)


def quarantine_part(key: dg.AssetKey, table: str) -> CheckPart:
    spec = dg.AssetCheckSpec(
        "quarantine_empty",
        asset=key,
        description=(
            "No record of this stream waits in ops.quarantine. Warns (non-blocking) while some "
            "do: each was rejected with its reason and raw page kept, its page-mates loaded; "
            "fix the parser or the data and re-run to load them."
        ),
    )

    def evaluate(_context, tradelake: TradelakeResource) -> dg.AssetCheckResult:
        source, stream = _STREAMS.get(table, (table.split("_", 1)[0], None))
        with psycopg.connect(tradelake.ingest_url()) as conn:
            rows = conn.execute(
                "select stream, count(*), min(reason) from ops.quarantine "
                "where source = %s and (%s::text is null or stream = %s) "
                "group by stream order by stream",
                (source, stream, stream),
            ).fetchall()
        total = sum(r[1] for r in rows)
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=total == 0,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                f"{total} record(s) of {source}.{stream or '*'} waiting in ops.quarantine"
                if total
                else "nothing in quarantine"
            ),
            metadata={
                "quarantined": total,
                **({"first_reason": rows[0][2]} if rows else {}),
            },
        )

    return CheckPart(spec, evaluate)


DRIFT = """
select field, change, is_blocking, detail, page_id, first_seen_at
from ops.schema_drift
where source = %s and stream = %s and cleared_at is null
order by not is_blocking, first_seen_at, field, change
"""


def drift_part(table: str) -> CheckPart:
    """Blocking on a schema or unit change of the stream's answers (ingestion/drift.py); a warning
    only for fields the model does not declare."""
    key = ledger_key(table)
    spec = dg.AssetCheckSpec(
        "schema_drift",
        asset=key,
        blocking=True,
        description=(
            "The venue's answers still have the shape and units the wire model reads "
            "(ops.schema_drift). Fails, blocking, while a required field is missing, a removed "
            "field is back, a type changed or a unit heuristic tripped (e.g. a price above 1): "
            "the drifted pages were quarantined instead of loaded and the stream's cursor is "
            "held until the row is cleared. New fields the model does not declare only warn."
        ),
    )

    def evaluate(_context, tradelake: TradelakeResource) -> dg.AssetCheckResult:
        source, stream = _STREAMS[table]
        with psycopg.connect(tradelake.ingest_url()) as conn:
            rows = conn.execute(DRIFT, (source, stream)).fetchall()
        blocking = [r for r in rows if r[2]]
        added = [r[0] for r in rows if not r[2]]
        if blocking:
            description = f"{source}.{stream} drifted: " + "; ".join(
                f"{f} {change} on page {page}: {detail}"
                for f, change, _, detail, page, _ in blocking
            )
        elif added:
            description = f"{len(added)} field(s) the model does not declare: " + ", ".join(added)
        else:
            description = "every answer had the shape and units the model reads"
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=not rows,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            description=description[:4000],
            metadata={
                "blocking": len(blocking),
                "new_fields": len(added),
                **({"first_field": rows[0][0], "first_page_id": rows[0][4]} if rows else {}),
            },
        )

    return CheckPart(spec, evaluate)


def drift_check(table: str) -> dg.AssetChecksDefinition:
    """The schema_drift check as its own step (for a job that needs only it)."""
    return standalone(drift_part(table))


def wallet_history_part(table: str, venue: str) -> CheckPart:
    """Warns while ops.wallet_history_truncations holds a wallet of this ledger's stream: the
    venue would not serve its full history. Streams recorded per chain ("<stream>:<chainid>")
    count too."""
    key = ledger_key(table)
    spec = dg.AssetCheckSpec(
        "wallet_history_complete",
        asset=key,
        description=(
            f"{venue} served every tracked wallet's full history. Warns while a wallet is in "
            "ops.wallet_history_truncations: the venue caps how far back it answers, so that "
            "wallet's older activity is missing."
        ),
    )

    def evaluate(_context, tradelake: TradelakeResource) -> dg.AssetCheckResult:
        source, stream = _STREAMS[table]
        with psycopg.connect(tradelake.ingest_url()) as conn:
            rows = [
                r
                for r in truncated_wallets(conn, source)
                if r[1] == stream or r[1].startswith(f"{stream}:")
            ]
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                f"{venue} would not serve these wallets' full history; see "
                "ops.wallet_history_truncations"
                if rows
                else "every wallet's history is complete"
            ),
            metadata={
                "truncated_wallets": len(rows),
                **({"first": f"{rows[0][0]} ({rows[0][1]}): {rows[0][2]}"} if rows else {}),
            },
        )

    return CheckPart(spec, evaluate)
