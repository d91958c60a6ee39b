"""Ledger hash chains (DESIGN principle 7): recompute them and hold them against the digests
kept outside the database.

Each ledger row carries `chain_seq` and `chain_hash` (migration 0214):

    chain_hash(n) = sha256_hex(chain_hash(n-1) + content(n))            chain_hash(0) = ""
    content(n)    = jsonb_strip_nulls(to_jsonb(row) - 'chain_seq' - 'chain_hash')::text
                    (in TimeZone UTC: timestamps are written with their offset)

Verification recomputes every hash here, in Python, from the rows' content: it trusts no function
stored in the database (a superuser can replace those), only PostgreSQL's own `to_jsonb`. After
each run the heads are written to `$TRADELAKE_HOME/digests/<utc time>-<run id>.json`
(append-only: a new file per run, never rewritten). A chain that no longer reaches a digested
head with the digested hash was rewritten or cut behind the triggers' back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

DIGEST_DIR = "digests"

LEDGERS = """
select c.oid::regclass::text,
       (select count(*) from pg_attribute as a where a.attrelid = c.oid and not a.attisdropped
        and a.attname in ('chain_seq', 'chain_hash')) = 2
from pg_class as c
where c.relnamespace = 'ledger'::regnamespace and c.relkind = 'r'
order by 1
"""

ROWS = """
select t.chain_seq, t.chain_hash,
       jsonb_strip_nulls(to_jsonb(t) - 'chain_seq' - 'chain_hash')::text
from {table} as t
where t.chain_seq > %s or t.chain_seq is null
order by t.chain_seq nulls last, t.ctid
"""


class ChainUnavailable(Exception):
    """Verification cannot run (no chains in the database, an unreadable digest)."""


@dataclass(frozen=True)
class Head:
    table: str
    chain_seq: int
    chain_hash: str


@dataclass(frozen=True)
class Digest:
    path: Path
    heads: dict[str, Head]
    database_id: str | None = None


@dataclass
class TableReport:
    table: str
    rows: int = 0  # rows walked (all of them, or those after `start`)
    head_seq: int = 0
    digested_seq: int = 0  # highest chain_seq a digest vouches for
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def link(previous: str, content: str) -> str:
    return hashlib.sha256((previous + content).encode()).hexdigest()


def ledger_tables(conn: psycopg.Connection) -> dict[str, bool]:
    """Every table of schema `ledger`, from the catalog, and whether it has its chain columns."""
    return dict(conn.execute(LEDGERS).fetchall())


def stored_heads(conn: psycopg.Connection) -> dict[str, Head]:
    try:
        rows = conn.execute(
            "select table_name, chain_seq, chain_hash from ops.ledger_chain_heads order by 1"
        ).fetchall()
    except psycopg.errors.UndefinedTable:
        raise ChainUnavailable(
            "this database has no ledger hash chains yet (ops.ledger_chain_heads is missing): "
            "run `tradelake migrate`"
        ) from None
    return {t: Head(t, s, h) for t, s, h in rows}


def database_id(conn: psycopg.Connection) -> str:
    try:
        row = conn.execute(
            "select database_id from ops.chain_identity order by created_at limit 1"
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        raise ChainUnavailable(
            "this database has no ledger hash chains yet (ops.chain_identity is missing): "
            "run `tradelake migrate`"
        ) from None
    if row is None:
        raise ChainUnavailable("ops.chain_identity is empty: the database's id was deleted")
    return row[0]


def _brief(content: str, width: int = 160) -> str:
    return content if len(content) <= width else content[: width - 1] + "…"


def verify_table(
    conn: psycopg.Connection,
    table: str,
    digests: Iterable[Digest] = (),
    *,
    start: Head | None = None,
    recorded: Head | None = None,
) -> TableReport:
    """Walk `table`'s chain (from `start`, a digested head, or from the beginning), stop at the
    first broken row. `digests` are checked at their seq; `recorded` is the trigger's head in
    ops.ledger_chain_heads (rows beyond it were inserted with the triggers disabled)."""
    report = TableReport(table)
    prev, seq = (start.chain_hash, start.chain_seq) if start else ("", 0)
    report.head_seq = seq
    vouched: dict[int, list[tuple[Path, str]]] = {}
    for d in digests:
        if (h := d.heads.get(table)) and h.chain_seq > seq:
            vouched.setdefault(h.chain_seq, []).append((d.path, h.chain_hash))
    report.digested_seq = max([*vouched, start.chain_seq if start else 0])

    def broken(at: int, problem: str) -> TableReport:
        report.broken_seq, report.problem = at, problem
        report.head_seq = seq  # the last row that is intact
        return report

    schema, name = table.split(".")
    if start is not None and start.chain_seq:
        # the walk begins after the digested head: that row must still be there, as digested
        at = conn.execute(
            sql.SQL("select chain_hash from {} where chain_seq = %s").format(
                sql.Identifier(schema, name)
            ),
            (start.chain_seq,),
        ).fetchone()
        if at is None or at[0] != start.chain_hash:
            return broken(
                start.chain_seq,
                f"row {start.chain_seq}, the head of the latest digest, is "
                + ("gone (deleted)" if at is None else "not the row that was digested"),
            )
    query = sql.SQL(ROWS).format(table=sql.Identifier(schema, name))
    with conn.cursor(name=f"verify_{name}") as cur:
        cur.itersize = 5000
        cur.execute(query, (seq,))
        for chain_seq, chain_hash, content in cur:
            expected = seq + 1
            if chain_seq is None:
                return broken(
                    expected,
                    "a row without a chain hash (inserted with the chain trigger disabled): "
                    + _brief(content),
                )
            if chain_seq != expected:
                what = (
                    f"rows {expected}..{chain_seq - 1} are missing (deleted)"
                    if chain_seq > expected
                    else f"chain_seq {chain_seq} appears twice"
                )
                return broken(expected, what)
            computed = link(prev, content)
            if chain_hash != computed:
                return broken(
                    chain_seq,
                    f"row {chain_seq} is not the row that was chained (edited, or inserted with "
                    f"a forged chain hash): {_brief(content)}",
                )
            for path, digested in vouched.get(chain_seq, ()):
                if digested != computed:
                    return broken(
                        chain_seq,
                        f"the chain was rewritten up to row {chain_seq}: digest {path.name} "
                        f"recorded {digested[:16]}…, the rows now give {computed[:16]}…",
                    )
            prev, seq = computed, chain_seq
            report.rows += 1
    report.head_seq = seq
    beyond = [(s, p) for s, pairs in vouched.items() for p, _ in pairs if s > seq]
    if beyond:
        at, path = min(beyond)
        return broken(
            seq + 1,
            f"rows {seq + 1}..{at} are missing (deleted at the end): digest {path.name} "
            f"recorded the head at {at}",
        )
    if recorded is not None and recorded.chain_seq != seq:
        if recorded.chain_seq > seq:
            return broken(seq + 1, f"rows {seq + 1}..{recorded.chain_seq} are missing (deleted)")
        return broken(
            recorded.chain_seq + 1,
            f"rows {recorded.chain_seq + 1}..{seq} were inserted with the chain triggers "
            "disabled (beyond the head the trigger recorded)",
        )
    return report


def verify(conn: psycopg.Connection, home: Path) -> list[TableReport]:
    """Every ledger's chain, whole, against every digest under `home`."""
    digests = read_digests(home)
    with _snapshot(conn):
        this = database_id(conn)
        foreign = [d for d in digests if d.database_id != this]
        if foreign:
            raise ChainUnavailable(
                f"{len(foreign)} of the {len(digests)} digests in {home / DIGEST_DIR} were "
                f"written for another database (e.g. {foreign[0].path.name}, database "
                f"{foreign[0].database_id}; this one is {this}): keep one digests folder per "
                "database. Point TRADELAKE_HOME at this database's state folder, or move the "
                "other database's digests away (never delete them). If nobody moved anything, "
                "ops.chain_identity was changed: treat that as tampering"
            )
        heads = stored_heads(conn)
        tables = ledger_tables(conn)
        reports = [
            verify_table(conn, t, digests, recorded=heads.get(t, Head(t, 0, "")))
            if chained
            else TableReport(
                t, problem="the table has no chain columns (dropped, or never chained)"
            )
            for t, chained in tables.items()
        ]
        for missing in sorted({t for d in digests for t in d.heads} - set(tables)):
            reports.append(
                TableReport(missing, problem="the table is gone (a digest recorded its head)")
            )
    return reports


def verify_since_last_digest(conn: psycopg.Connection, home: Path, table: str) -> TableReport:
    """The rows added since the latest digest of `table` (what a run just loaded)."""
    digests = read_digests(home)
    with _snapshot(conn):
        this = database_id(conn)  # another database's digests say nothing about this one
        latest = next(
            (
                d.heads[table]
                for d in reversed(digests)
                if table in d.heads and d.database_id == this
            ),
            None,
        )
        recorded = stored_heads(conn).get(table, Head(table, 0, ""))
        return verify_table(conn, table, start=latest, recorded=recorded)


class _snapshot:
    """One read-only snapshot (rows and heads agree), TimeZone UTC (timestamps in `content`)."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.commit()
        self.tx = self.conn.transaction()
        self.tx.__enter__()
        self.conn.execute("set transaction isolation level repeatable read, read only")
        # what the row's jsonb text depends on, as the chain trigger has it (migration 0214)
        self.conn.execute("set local timezone = 'UTC'")
        self.conn.execute("set local extra_float_digits = 1")
        self.conn.execute("set local intervalstyle = 'postgres'")

    def __exit__(self, *exc) -> None:
        self.tx.__exit__(*exc)


def read_digests(home: Path) -> list[Digest]:
    """Every digest file, oldest first."""
    folder = home / DIGEST_DIR
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            body = json.loads(path.read_text())
            out.append(
                Digest(
                    path,
                    {
                        h["table"]: Head(h["table"], int(h["chain_seq"]), h["chain_hash"])
                        for h in body["heads"]
                    },
                    body.get("database_id"),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ChainUnavailable(
                f"digest {path} is unreadable ({exc!r}): restore it from your copy of "
                f"{folder} (digests are never rewritten)"
            ) from None
    return out


@dataclass
class Written:
    path: Path | None
    heads: list[Head] = field(default_factory=list)


def write_digest(conn: psycopg.Connection, home: Path, run_id: str) -> Written:
    """Write the current heads of every ledger as a new digest file, unless nothing moved since
    the latest digest or this run already has one. Never overwrites a file."""
    heads = sorted(stored_heads(conn).values(), key=lambda h: h.table)
    this = database_id(conn)
    conn.commit()
    folder = home / DIGEST_DIR
    if folder.is_dir() and any(folder.glob(f"*-{run_id}.json")):
        return Written(None, heads)
    digests = [d for d in read_digests(home) if d.database_id == this]
    if digests and digests[-1].heads == {h.table: h for h in heads}:
        return Written(None, heads)
    if not digests and not any(h.chain_seq for h in heads):
        return Written(None, heads)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = folder / f"{now:%Y%m%dT%H%M%S.%fZ}-{run_id}.json"
    body = {
        "run_id": run_id,
        "database_id": this,
        "written_at": now.isoformat(),
        "heads": [
            {"table": h.table, "chain_seq": h.chain_seq, "chain_hash": h.chain_hash} for h in heads
        ],
    }
    with path.open("x", encoding="utf-8") as out:  # "x": never overwrite
        json.dump(body, out, indent=1)
    path.chmod(0o444)
    return Written(path, heads)
