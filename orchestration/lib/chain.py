"""Hash chains in Dagster (DESIGN principle 7): the `chain_intact` check of every ledger, and the
digest of the chain heads written outside the database after every run (ingestion/chain.py)."""

import hashlib
import json

import dagster as dg
import psycopg

from ingestion.chain import Written, verify_since_last_digest, write_digest
from ingestion.db import database_url
from ingestion.settings import tradelake_home
from orchestration.lib.checks import CheckPart, standalone
from orchestration.lib.resources import TradelakeResource
from quality.results import chain_rows, store

DIGEST_TAG = "tradelake/ledger_digest"
HEADS_TAG = "tradelake/ledger_heads"


def chain_part(key: dg.AssetKey, table: str) -> CheckPart:
    """Blocking: the rows added since the latest digest (what this run loaded) are chained as
    the trigger chained them, and none was removed."""
    spec = dg.AssetCheckSpec(
        "chain_intact",
        asset=key,
        blocking=True,
        description=(
            f"The rows of {table} added since the latest digest recompute to their chain hashes, "
            "from the digested head on, with no row missing (the whole history: `tradelake "
            "verify`)."
        ),
    )

    def evaluate(
        context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource
    ) -> dg.AssetCheckResult:
        with psycopg.connect(tradelake.ingest_url()) as conn:
            report = verify_since_last_digest(conn, tradelake_home(), table)
            # the outcome for the 4h report's Data quality section, broken or intact
            store(conn, context.run.run_id, chain_rows("hash_chain", [report]))
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=spec.name,
            passed=report.intact,
            description=(
                f"broken at chain_seq {report.broken_seq}: {report.problem}"
                if not report.intact
                else f"{report.rows} row(s) since the last digest (seq {report.digested_seq}) "
                "chained as inserted"
            ),
            metadata={
                "rows_checked": report.rows,
                "chain_seq": report.head_seq,
                "digested_seq": report.digested_seq,
                **({"broken_seq": report.broken_seq} if not report.intact else {}),
            },
        )

    return CheckPart(spec, evaluate)


def chain_check(key: dg.AssetKey, table: str) -> dg.AssetChecksDefinition:
    return standalone(chain_part(key, table))


def record_run_digest(instance: dg.DagsterInstance, run_id: str) -> Written:
    """After a run: the heads of every ledger into `$TRADELAKE_HOME/digests/` (a new file when a
    head moved) and into the run's tags: the digest file's path and the SHA-256 of the heads
    (the heads themselves outgrew a run tag: Dagster indexes tag values, at most 2,704 bytes)."""
    with psycopg.connect(database_url()) as conn:
        written = write_digest(conn, tradelake_home(), run_id)
    if written.path is not None:
        heads = {h.table: [h.chain_seq, h.chain_hash] for h in written.heads if h.chain_seq}
        canonical = json.dumps(heads, sort_keys=True).encode()
        summary = f"{len(heads)} ledgers, sha256 {hashlib.sha256(canonical).hexdigest()}"
        instance.add_run_tags(run_id, {DIGEST_TAG: str(written.path), HEADS_TAG: summary})
    return written
