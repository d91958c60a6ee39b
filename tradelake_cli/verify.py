"""`tradelake verify` (CONTRACT §1): every ledger's hash chain against the digests kept outside
the database (ingestion/chain.py). Exit 0 intact, 1 broken, 2 cannot run."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingestion.chain import DIGEST_DIR, TableReport, read_digests, verify

if TYPE_CHECKING:
    import psycopg


class CannotVerify(Exception):
    pass


def database_for_verify(home: Path) -> str:
    """The configured database, without creating one: verifying an empty new embedded database
    would only say "intact" about nothing."""
    from ingestion.db import DatabaseUnavailable, connect, database_url, embedded_pgdata

    if not os.environ.get("DATABASE_URL") and not (embedded_pgdata() / "PG_VERSION").exists():
        raise CannotVerify(
            f"no database to verify: DATABASE_URL is not set and {home} holds no embedded "
            "database. Set DATABASE_URL, or TRADELAKE_HOME to the state folder your runs use "
            "(`tradelake demo` and `tradelake materialize` create it)"
        )
    try:
        url = database_url()
        connect(url, connect_timeout=10).close()
    except DatabaseUnavailable as exc:
        raise CannotVerify(str(exc)) from None
    return url


def run_verify(home: Path, console: Console) -> int:
    import psycopg

    from ingestion.chain import ChainUnavailable

    url = database_for_verify(home)
    try:
        digests = read_digests(home)
        with psycopg.connect(url) as conn:
            reports = verify(conn, home)
            _record(conn, reports, console)
    except ChainUnavailable as exc:
        raise CannotVerify(str(exc)) from None
    console.print(_table(reports))
    broken = [r for r in reports if not r.intact]
    folder = home / DIGEST_DIR
    if not digests:
        console.print(
            f"[yellow]no digest in {escape(str(folder))} yet:[/] each chain is consistent with "
            "itself, but a rewrite that recomputed the chain would not show. Digests are written "
            "after every run (`tradelake materialize`, schedules)."
        )
    else:
        console.print(f"{len(digests)} digest(s) in {escape(str(folder))}")
    for r in broken:
        console.print(
            f"[bold red]BROKEN[/] {escape(r.table)}"
            f"{'' if r.broken_seq is None else f' at chain_seq {r.broken_seq}'}: "
            f"{escape(r.problem or '')}",
            highlight=False,
            soft_wrap=True,  # one line per broken ledger, never wrapped
        )
    if broken:
        console.print(
            f"{len(broken)} ledger(s) changed behind the triggers' back; see docs/reliability.md "
            "§11 for what to do"
        )
        return 1
    console.print(f"all {len(reports)} ledger chains intact")
    return 0


def _record(conn: psycopg.Connection, reports: list[TableReport], console: Console) -> None:
    """The outcome into ops.check_results (the 4h report says when the chains were last
    verified and what broke); a database that cannot take it still gets its verdict printed."""
    import psycopg

    from quality.results import chain_rows, store

    run_id = f"verify-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    try:
        store(conn, run_id, chain_rows("verify", reports))
    except psycopg.Error as exc:
        conn.rollback()
        console.print(f"[yellow]outcome not recorded in ops.check_results:[/] {escape(str(exc))}")


def _table(reports: list[TableReport]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="ledger hash chains")
    for name, justify in (
        ("ledger", "left"),
        ("rows", "right"),
        ("head seq", "right"),  # of a broken ledger: its last intact row
        ("digested to", "right"),
        ("status", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=name == "ledger")  # type: ignore[arg-type]
    for r in reports:
        where = "" if r.broken_seq is None else f" at {r.broken_seq}"
        status = "[green]intact[/]" if r.intact else f"[bold red]broken{where}[/]"
        table.add_row(
            escape(r.table), f"{r.rows:,}", f"{r.head_seq:,}", f"{r.digested_seq:,}", status
        )
    return table
