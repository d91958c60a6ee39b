"""Typed records into ledger tables, idempotently, with their cursor in the same transaction.

COPY into a temporary staging table, then one INSERT .. SELECT .. ON CONFLICT DO NOTHING into the
ledger. The content hash is computed by PostgreSQL over the row's content columns, so re-delivery
of the same record is recognised as a no-op and a changed record under the same natural key is
written to ops.ledger_conflicts (a blocking check) instead of silently winning or losing.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ingestion import drift
from ingestion.cursors import CursorUpdate, set_cursor
from ingestion.quarantine import Rejected, quarantine

_stage_names = itertools.count()
# A ledger batch of at least this many rows first tries a plain INSERT (`_insert_ledger`).
_OPTIMISTIC_ROWS = 10_000


@dataclass(frozen=True)
class LedgerTable:
    """How to load one ledger table.

    `key` is the natural key (a UNIQUE constraint on the table). In `observation` mode the last
    key column is the observation time and the others identify the entity: a row is appended only
    when its content differs from the entity's latest stored row. The observation time must be
    our own clock, never a venue's "updated" timestamp (venues do not always move it, and a
    changed state under a stored key is a conflict, not a version).
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    mode: Literal["ledger", "observation"] = "ledger"
    hash_exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        missing = set(self.key) - set(self.columns)
        if missing:
            raise ValueError(f"{self.name}: key columns {sorted(missing)} are not in columns")

    @property
    def entity_key(self) -> tuple[str, ...]:
        return self.key[:-1] if self.mode == "observation" else self.key

    @property
    def time_column(self) -> str:
        return self.key[-1]

    @property
    def hashed_columns(self) -> tuple[str, ...]:
        skip = set(self.hash_exclude)
        if self.mode == "observation":
            skip.add(self.time_column)
        return tuple(c for c in self.columns if c not in skip)


@dataclass
class LoadResult:
    inserted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)

    def merge(self, other: LoadResult) -> None:
        """Add `other`'s counts and notes to these (one total over several loads)."""
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        self.conflicts += other.conflicts
        self.quarantined += other.quarantined
        self.rows += other.rows
        self.notes.extend(other.notes)


def _ident(qualified: str) -> sql.Composable:
    return sql.Identifier(*qualified.split("."))


def _cols(names: Iterable[str], prefix: str | None = None) -> sql.Composable:
    if prefix:
        return sql.SQL(", ").join(sql.Identifier(prefix, n) for n in names)
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


def _hash_expr(table: LedgerTable, alias: str) -> sql.Composable:
    # md5 over the row's text form: cheap in C, stable for the same values and types.
    return sql.SQL("md5(row({})::text)").format(_cols(table.hashed_columns, alias))


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return Jsonb(value, dumps=lambda v: json.dumps(v, default=str))
    return value


def load(
    conn: psycopg.Connection,
    table: LedgerTable,
    records: Sequence[Mapping[str, Any]],
    *,
    page_id: int | None = None,
    rejects: Sequence[Rejected] = (),
    cursor: CursorUpdate | None = None,
    staged: Callable[[], None] | None = None,
) -> LoadResult:
    """Load one batch atomically: rows, quarantined rejects and the cursor commit together.

    `staged`, if given, is called once the batch is staged, before anything is written to the
    ledger (it may wait, or raise to roll the batch back): `load_batches` holds its last batch
    there until every earlier one has committed.
    """
    result = LoadResult(rows=len(records))
    with conn.transaction():
        if records:
            stage = _stage(conn, table, records)
        if staged is not None:
            staged()
        if records:
            if table.mode == "ledger":
                result.inserted = _insert_ledger(
                    conn, table, stage, page_id, optimistic=len(records) >= _OPTIMISTIC_ROWS
                )
            else:
                result.inserted = _insert_observations(conn, table, stage, page_id)
            # Only rows that were not inserted can conflict. An observation too: a changed
            # state under a stored (entity, observed_at) key, or two states of one entity in
            # one batch at the same time, is recorded rather than lost to `do nothing`.
            if result.inserted < len(records):
                result.conflicts = _record_conflicts(conn, table, stage, page_id)
            result.duplicates = len(records) - result.inserted - result.conflicts
        for reject in rejects:
            quarantine(conn, reject)
        result.quarantined = len(rejects)
        found = getattr(rejects, "drift", None)
        if found is not None:
            drift.record(conn, found)
        if cursor is not None:
            # While the stream has blocking schema drift not cleared, its cursor stays where it
            # was: the quarantined pages are read again once the model is fixed and it is cleared.
            if drift.has_open_blocking(conn, cursor.source, cursor.stream):
                result.notes.append(
                    f"{cursor.source}.{cursor.stream}: cursor held (schema drift, ops.schema_drift)"
                )
            else:
                set_cursor(conn, cursor)
    return result


def _stage(conn, table: LedgerTable, records) -> sql.Identifier:
    """COPY the batch into a temporary table shaped like the ledger's content columns."""
    stage = sql.Identifier(f"_stage_{next(_stage_names)}")
    conn.execute(
        sql.SQL("create temp table {} on commit drop as select {} from {} with no data").format(
            stage, _cols(table.columns), _ident(table.name)
        )
    )
    columns = table.columns
    # Only JSON values need wrapping; checking the first record keeps the hot loop bare.
    json_cols = {c for c in columns if isinstance(records[0].get(c), dict | list)}
    copy_sql = sql.SQL("copy {} ({}) from stdin").format(stage, _cols(columns))
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        if json_cols:
            for record in records:
                copy.write_row(
                    [_adapt(record.get(c)) if c in json_cols else record.get(c) for c in columns]
                )
        else:
            for record in records:
                copy.write_row([record.get(c) for c in columns])
    return stage


def _record_conflicts(conn, table: LedgerTable, stage: sql.Identifier, page_id) -> int:
    """Rows whose natural key exists with other content: record once, count every time."""
    key_json = sql.SQL("jsonb_build_object({})").format(
        sql.SQL(", ").join(
            sql.SQL("{}, {}").format(sql.Literal(k), sql.Identifier("s", k)) for k in table.key
        )
    )
    join = sql.SQL(" and ").join(
        sql.SQL("t.{k} = s.{k}").format(k=sql.Identifier(k)) for k in table.key
    )
    query = sql.SQL(
        """
        with differing as (
            select {key_json} as natural_key, t.record_hash as existing_hash,
                   {s_hash} as incoming_hash, to_jsonb(s) as incoming_record
            from {stage} as s join {target} as t on {join}
            where t.record_hash <> {s_hash}
        ),
        recorded as (
            insert into ops.ledger_conflicts
                (table_name, natural_key, existing_hash, incoming_hash, incoming_record, page_id)
            select {name}, natural_key, existing_hash, incoming_hash, incoming_record, {page_id}
            from differing
            on conflict do nothing
        )
        select count(*) from differing
        """
    ).format(
        name=sql.Literal(table.name),
        key_json=key_json,
        s_hash=_hash_expr(table, "s"),
        stage=stage,
        target=_ident(table.name),
        join=join,
        page_id=sql.Literal(page_id),
    )
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _insert_ledger(
    conn, table: LedgerTable, stage: sql.Identifier, page_id, *, optimistic: bool = False
) -> int:
    """INSERT the staged rows whose key is new; returns how many were inserted.

    `optimistic` (bulk batches): first a plain INSERT in a savepoint, which saves ON CONFLICT's
    speculative insertion (≈ 1.2 µs a row); if any row hits a unique key (stored already, twice
    in the batch, or committed meanwhile by another loader) the savepoint is rolled back (the
    chain trigger's running head, a transaction-local setting, with it) and the batch goes
    through ON CONFLICT DO NOTHING as always. The rows stored, their order, hashes and chain are
    the same either way; a bulk batch that mostly repeats stored rows pays for the failed try,
    which stops at its first stored key.
    """
    query = sql.SQL(
        "insert into {target} ({cols}, page_id, record_hash) "
        "select {cols}, {page_id}, {h} from {stage} as s"
    ).format(
        target=_ident(table.name),
        cols=_cols(table.columns),
        page_id=sql.Literal(page_id),
        h=_hash_expr(table, "s"),
        stage=stage,
    )
    if optimistic:
        try:
            with conn.transaction():
                return conn.execute(query).rowcount
        except psycopg.errors.UniqueViolation:
            pass
    return conn.execute(query + sql.SQL(" on conflict do nothing")).rowcount


def _insert_observations(conn, table: LedgerTable, stage: sql.Identifier, page_id) -> int:
    """Append an observation only when it differs from the entity's previous one.

    Two loaders appending the same state at once would each compare it with what it can see,
    the other's row not committed yet, and both append it. So observation inserts into one table
    are serialised: a transaction-level advisory lock, taken in its own statement so that the
    INSERT's snapshot (READ COMMITTED) already holds whatever the previous holder committed.
    """
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"observe:{table.name}",))
    entity = table.entity_key
    columns = table.columns
    entity_match = sql.SQL(" and ").join(
        sql.SQL("t.{k} = s.{k}").format(k=sql.Identifier(k)) for k in entity
    )
    query = sql.SQL(
        """
        with staged as (
            select s.*, {h} as record_hash,
                   lag({h}) over (partition by {entity_s} order by s.{time}) as prev_hash
            from {stage} as s
        )
        insert into {target} ({cols}, page_id, record_hash)
        select {cols_s}, {page_id}, s.record_hash
        from staged as s
        left join lateral (
            select t.record_hash from {target} as t
            where {entity_match} order by t.{time} desc limit 1
        ) as latest on true
        where coalesce(s.prev_hash, latest.record_hash) is distinct from s.record_hash
        order by {entity_s}, s.{time}
        on conflict do nothing
        """
    ).format(
        h=_hash_expr(table, "s"),
        entity_s=_cols(entity, "s"),
        time=sql.Identifier(table.time_column),
        stage=stage,
        target=_ident(table.name),
        cols=_cols(columns),
        cols_s=_cols(columns, "s"),
        entity_match=entity_match,
        page_id=sql.Literal(page_id),
    )
    return conn.execute(query).rowcount


def load_batches(
    connect: Callable[[], psycopg.Connection],
    table: LedgerTable,
    batches: Sequence[Sequence[Mapping[str, Any]]],
    *,
    page_id: int | None = None,
    cursor: CursorUpdate | None = None,
    workers: int = 2,
) -> LoadResult:
    """Bulk load (backfills): batches go through `load` on `workers` connections at once, so
    one batch's client-side COPY overlaps another's server-side INSERT. The last batch is
    staged on its own connection while the last earlier ones load.

    Each batch is its own transaction. The cursor commits with the last batch, and only after
    every earlier batch has committed, so it never points past rows that are not stored.
    """
    total = LoadResult()
    if not batches:
        return total
    *head, last = batches
    local = threading.local()
    opened: list[psycopg.Connection] = []

    def work(batch: Sequence[Mapping[str, Any]]) -> LoadResult:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect()
            opened.append(conn)
        return load(conn, table, batch, page_id=page_id)

    try:
        # Exited in reverse: the last batch's thread ends before its connection closes.
        with (
            connect() as last_conn,
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loader") as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="loader-last") as final,
        ):
            parts = [pool.submit(work, batch) for batch in head]

            def earlier_committed() -> None:
                for part in parts:
                    part.result()  # a failed batch fails this one too: nothing written

            def load_last() -> LoadResult:
                # Staged while the last earlier batches load; written, with the cursor, only
                # once every earlier batch has committed.
                return load(
                    last_conn,
                    table,
                    last,
                    page_id=page_id,
                    cursor=cursor,
                    staged=earlier_committed,
                )

            last_part = None
            start_last_at = max(len(parts) - workers, 0)
            for i, part in enumerate(parts):
                if i == start_last_at:
                    last_part = final.submit(load_last)
                _merge(total, part.result())
            if last_part is None:
                last_part = final.submit(load_last)
            _merge(total, last_part.result())
    finally:
        for conn in opened:
            conn.close()
    return total


def _merge(total: LoadResult, part: LoadResult) -> None:
    total.inserted += part.inserted
    total.duplicates += part.duplicates
    total.conflicts += part.conflicts
    total.quarantined += part.quarantined
    total.rows += part.rows
    total.notes.extend(part.notes)
