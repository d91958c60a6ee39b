"""Hash-chained ledgers and `tradelake verify` (issue 16, DESIGN principle 7).

The chain is computed by a trigger in the database and recomputed by `tradelake verify` in
Python; these tests compute a few links by hand, then change ledgers the three ways a superuser
can get past the append-only triggers and watch `tradelake verify` name the table and the first
broken row."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from ingestion.chain import Head, verify, verify_since_last_digest, write_digest
from ingestion.schema import alembic_config, migrate
from tradelake_cli.main import app

runner = CliRunner()
TABLE = """
create table ledger.chain_probe (
    item text not null unique, amount numeric, record_hash text not null, page_id bigint,
    loaded_at timestamptz not null default now());
select ops.protect_ledger('ledger.chain_probe');
"""
TARGET = "ledger.kalshi_fills"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run_verify(url: str, home: Path):
    return runner.invoke(
        app, ["verify"], env={"DATABASE_URL": url, "TRADELAKE_HOME": str(home), "COLUMNS": "160"}
    )


def test_links_computed_by_hand(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(TABLE)
        conn.execute("set timezone = 'America/New_York'")  # the chain does not depend on it
        conn.execute(
            "insert into ledger.chain_probe (item, amount, record_hash, page_id, loaded_at) "
            "values ('a', 1.50, 'h1', 7, '2026-01-01T00:00:00Z'), "
            "('b', null, 'h2', null, '2026-01-01T00:00:00Z'), "
            "('a', 9, 'h9', null, '2026-01-01T00:00:00Z') on conflict do nothing"
        )
        # a re-delivered key is skipped by ON CONFLICT: the chain must not move for it
        conn.execute(
            "insert into ledger.chain_probe (item, record_hash, loaded_at) "
            "values ('b', 'h2', now()), ('c', 'h3', '2026-01-02T05:06:07.5+02:00') "
            "on conflict do nothing"
        )
        rows = conn.execute(
            "select item, chain_seq, chain_hash from ledger.chain_probe order by chain_seq"
        ).fetchall()
        head = conn.execute(
            "select chain_seq, chain_hash from ops.ledger_chain_heads "
            "where table_name = 'ledger.chain_probe'"
        ).fetchone()
    # jsonb text: keys by length then bytes, nulls stripped, timestamps in UTC
    h1 = sha(
        '{"item": "a", "amount": 1.50, "page_id": 7, "loaded_at": "2026-01-01T00:00:00+00:00", '
        '"record_hash": "h1"}'
    )
    h2 = sha(h1 + '{"item": "b", "loaded_at": "2026-01-01T00:00:00+00:00", "record_hash": "h2"}')
    h3 = sha(h2 + '{"item": "c", "loaded_at": "2026-01-02T03:06:07.5+00:00", "record_hash": "h3"}')
    assert rows == [("a", 1, h1), ("b", 2, h2), ("c", 3, h3)]
    assert head == (3, h3)


def test_existing_rows_are_chained_by_the_migration_in_insert_order(empty_db_url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(empty_db_url), "0213")
    with psycopg.connect(empty_db_url) as conn:
        conn.execute(TABLE)
        for item, at in (("late", "2026-01-02Z"), ("early", "2026-01-01Z"), ("tie", "2026-01-02Z")):
            conn.execute(
                "insert into ledger.chain_probe (item, record_hash, loaded_at) "
                "values (%s, 'h', %s)",
                (item, at),
            )
        conn.commit()
    migrate(empty_db_url)
    with psycopg.connect(empty_db_url) as conn:
        order = conn.execute("select item from ledger.chain_probe order by chain_seq").fetchall()
        reports = {r.table: r for r in verify(conn, Path("/nonexistent"))}
        # and a ledger created after 0214 is chained by protect_ledger itself
        conn.execute(TABLE.replace("chain_probe", "chain_later"))
        conn.execute("insert into ledger.chain_later (item, record_hash) values ('x', 'h')")
        assert conn.execute("select chain_seq from ledger.chain_later").fetchone() == (1,)
    assert [i for (i,) in order] == ["early", "late", "tie"]
    assert reports["ledger.chain_probe"].intact and reports["ledger.chain_probe"].head_seq == 3


def test_concurrent_loaders_make_one_chain(db_url: str) -> None:
    """Two transactions inserting into one ledger at once: the second waits for the first's
    commit and continues its chain (no fork, no gap)."""
    with psycopg.connect(db_url) as conn:
        conn.execute(TABLE)
    first = psycopg.connect(db_url)
    first.execute("insert into ledger.chain_probe (item, record_hash) values ('1a', 'h')")
    done = threading.Event()

    def second() -> None:
        with psycopg.connect(db_url) as conn:
            conn.execute(
                "insert into ledger.chain_probe (item, record_hash) values ('2a', 'h'), ('2b', 'h')"
            )
        done.set()

    worker = threading.Thread(target=second)
    worker.start()
    assert not done.wait(1.0)  # queued behind the first transaction's head lock
    first.execute("insert into ledger.chain_probe (item, record_hash) values ('1b', 'h')")
    first.commit()
    first.close()
    worker.join(10)
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select item, chain_seq from ledger.chain_probe order by chain_seq"
        ).fetchall()
        report = {r.table: r for r in verify(conn, Path("/nonexistent"))}["ledger.chain_probe"]
    assert rows == [("1a", 1), ("1b", 2), ("2a", 3), ("2b", 4)]
    assert report.intact and report.head_seq == 4


def _digested(url: str, home: Path) -> dict[str, Head]:
    with psycopg.connect(url) as conn:
        written = write_digest(conn, home, "run-1")
    assert written.path is not None and written.path.parent == home / "digests"
    return {h.table: h for h in written.heads}


def _kalshi_row(conn: psycopg.Connection, seq: int) -> str:
    return conn.execute(f"select fill_id from {TARGET} where chain_seq = %s", (seq,)).fetchone()[0]


BYPASSES = {
    # 1. superuser, session_replication_role = replica (no user trigger fires): edit, delete
    "replica_update": (
        "set session_replication_role = replica;"
        f"update {TARGET} set price = price / 2 where chain_seq = 3",
        3,
        "row 3 is not the row that was chained",
    ),
    "replica_delete": (
        f"set session_replication_role = replica; delete from {TARGET} where chain_seq = 2",
        2,
        "rows 2..2 are missing",
    ),
    "replica_delete_tail": (
        f"set session_replication_role = replica; delete from {TARGET} where chain_seq >= 4",
        4,
        "missing",
    ),
    # 2. ALTER TABLE ... DISABLE TRIGGER, then an edit
    "disable_trigger_update": (
        f"alter table {TARGET} disable trigger refuse_update_delete;"
        f"update {TARGET} set fee = 0 where chain_seq = 5;"
        f"alter table {TARGET} enable trigger refuse_update_delete",
        5,
        "row 5 is not the row that was chained",
    ),
    # 3. inserts with the triggers disabled: no chain hash, a wrong one
    "insert_without_chain": (
        f"alter table {TARGET} disable trigger user;"
        f"insert into {TARGET} (account, fill_id, ticker, outcome, side, price, quantity, "
        "executed_at, record_hash) values ('acct', 'forged', 'T', 'yes', 'buy', 0.5, 1, now(), "
        f"'x'); alter table {TARGET} enable trigger user",
        "head+1",
        "a row without a chain hash",
    ),
    "insert_wrong_chain_hash": (
        f"set session_replication_role = replica;"
        f"insert into {TARGET} (account, fill_id, ticker, outcome, side, price, quantity, "
        "executed_at, record_hash, chain_seq, chain_hash) select 'acct', 'forged', 'T', 'yes', "
        f"'buy', 0.5, 1, now(), 'x', max(chain_seq) + 1, repeat('f', 64) from {TARGET}",
        "head+1",
        "is not the row that was chained",
    ),
    # and the chain itself taken away
    "drop_chain_columns": (
        f"alter table {TARGET} drop column chain_hash cascade",
        None,
        "the table has no chain columns",
    ),
}


@pytest.mark.parametrize("bypass", sorted(BYPASSES))
def test_verify_finds_each_bypass(loaded_db: str, tmp_path: Path, bypass: str) -> None:
    statement, first_broken, problem = BYPASSES[bypass]
    heads = _digested(loaded_db, tmp_path)
    head = heads[TARGET].chain_seq
    assert head >= 6, "the fixtures load enough Kalshi fills to tamper with"
    intact = run_verify(loaded_db, tmp_path)
    assert intact.exit_code == 0, intact.output
    assert "all" in intact.output and "intact" in intact.output

    with psycopg.connect(loaded_db, autocommit=True) as conn:
        for part in statement.split(";"):
            conn.execute(part)

    result = run_verify(loaded_db, tmp_path)
    assert result.exit_code == 1, result.output
    seq = head + 1 if first_broken == "head+1" else first_broken
    where = "" if seq is None else f" at chain_seq {seq}"
    broken = [line for line in result.output.splitlines() if line.startswith("BROKEN")]
    assert len(broken) == 1, result.output  # only the tampered ledger
    assert broken[0].startswith(f"BROKEN {TARGET}{where}: "), result.output
    assert problem in result.output.replace("\n", " ")
    # both verdicts kept for the 4h report: the first all intact, the second only TARGET broken
    with psycopg.connect(loaded_db) as conn:
        runs = conn.execute(
            "select run_id, count(*), array_agg(relation) filter (where not success), "
            "(array_agg(observed_value->>'broken_seq') filter (where not success))[1] "
            "from ops.check_results where suite = 'verify' and expectation = 'chain_intact' "
            "group by run_id order by min(id)"
        ).fetchall()
    assert len(runs) == 2 and runs[0][1] == runs[1][1] >= 20, runs
    assert runs[0][2] is None
    assert runs[1][2] == [TARGET]
    assert runs[1][3] == (None if seq is None else str(seq))


def test_a_consistent_rewrite_is_caught_by_the_digest(loaded_db: str, tmp_path: Path) -> None:
    """A superuser who edits a row and recomputes every later link (and the stored head) leaves
    a self-consistent chain: only the digest kept outside the database tells."""
    heads = _digested(loaded_db, tmp_path)
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        conn.execute(f"alter table {TARGET} disable trigger refuse_update_delete")
        conn.execute(f"update {TARGET} set price = price / 2 where chain_seq = 2")
        conn.execute(
            f"""
do $$
declare r record; prev text := ''; last bigint;
begin
    for r in select ctid, chain_seq, ops.chain_content(t) as c from {TARGET} t order by chain_seq
    loop
        prev := encode(sha256(convert_to(prev || r.c, 'UTF8')), 'hex');
        update {TARGET} set chain_hash = prev where ctid = r.ctid;
        last := r.chain_seq;
    end loop;
    update ops.ledger_chain_heads set chain_hash = prev where table_name = '{TARGET}';
end $$"""
        )
        conn.execute(f"alter table {TARGET} enable trigger refuse_update_delete")
        # without the digest, the chain is consistent with itself
        assert all(r.intact for r in verify(conn, tmp_path / "elsewhere"))
    result = run_verify(loaded_db, tmp_path)
    assert result.exit_code == 1, result.output
    seq = heads[TARGET].chain_seq
    assert f"BROKEN {TARGET} at chain_seq {seq}: the chain was rewritten" in result.output


def test_the_check_covers_the_rows_added_since_the_last_digest(
    loaded_db: str, tmp_path: Path
) -> None:
    heads = _digested(loaded_db, tmp_path)
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        before = verify_since_last_digest(conn, tmp_path, TARGET)
        assert before.intact and before.rows == 0
        conn.execute(
            f"insert into {TARGET} (account, fill_id, ticker, outcome, side, price, quantity, "
            "executed_at, record_hash) values ('acct', 'new', 'T', 'yes', 'buy', 0.5, 1, now(), "
            "'x')"
        )
        after = verify_since_last_digest(conn, tmp_path, TARGET)
        assert after.intact and after.rows == 1
        conn.execute("set session_replication_role = replica")
        conn.execute(f"update {TARGET} set price = 0.25 where fill_id = 'new'")
        tampered = verify_since_last_digest(conn, tmp_path, TARGET)
        # the digested head itself deleted (the check walks only what follows it)
        conn.execute(f"delete from {TARGET} where chain_seq >= %s", (heads[TARGET].chain_seq,))
        cut = verify_since_last_digest(conn, tmp_path, TARGET)
    assert not tampered.intact
    assert tampered.broken_seq == heads[TARGET].chain_seq + 1
    assert not cut.intact and cut.broken_seq == heads[TARGET].chain_seq
    assert "the head of the latest digest, is gone" in (cut.problem or "")


def test_another_databases_digests_are_refused_not_ignored(loaded_db: str, tmp_path: Path) -> None:
    """Digests are tied to the database they were written for (ops.chain_identity): verify
    refuses a folder mixing another database's digests (exit 2) instead of skipping them, so
    changing the id hides nothing."""
    _digested(loaded_db, tmp_path)
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        conn.execute("update ops.chain_identity set database_id = 'forged'")
    result = run_verify(loaded_db, tmp_path)
    assert result.exit_code == 2, result.output
    assert "written for another database" in result.output
    assert "this one is forged" in result.output.replace("\n", " ")


def test_verify_cannot_run_without_a_database_or_chains(empty_db_url: str, tmp_path: Path) -> None:
    alone = runner.invoke(
        app, ["verify"], env={"DATABASE_URL": None, "TRADELAKE_HOME": str(tmp_path)}
    )
    assert alone.exit_code == 2, alone.output
    assert "no database to verify" in alone.output and "DATABASE_URL" in alone.output
    assert not (tmp_path / "pgdata").exists()  # verify never creates a database

    unmigrated = run_verify(empty_db_url, tmp_path)
    assert unmigrated.exit_code == 2, unmigrated.output
    assert "tradelake migrate" in unmigrated.output


def test_run_tags_stay_indexable_however_many_ledgers(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Dagster indexes run-tag values (at most 2,704 bytes in PostgreSQL): with 60 ledgers the
    heads as JSON would not fit, so the tag holds their count and SHA-256 (the file has them)."""
    import json

    import dagster as dg

    from ingestion.chain import Written
    from orchestration.lib import chain as lib

    heads = [Head(f"ledger.source_{i:02d}_stream", 100 + i, "ab" * 32) for i in range(60)]
    path = tmp_path / "digest.json"
    monkeypatch.setattr(lib, "write_digest", lambda conn, home, run_id: Written(path, heads))
    monkeypatch.setenv("DATABASE_URL", db_url)

    @dg.asset
    def noop() -> None:
        return None

    instance = dg.DagsterInstance.ephemeral()
    run_id = dg.materialize([noop], instance=instance).run_id
    lib.record_run_digest(instance, run_id)
    tags = instance.get_run_by_id(run_id).tags
    canonical = json.dumps(
        {h.table: [h.chain_seq, h.chain_hash] for h in heads}, sort_keys=True
    ).encode()
    assert len(canonical) > 2704
    assert tags[lib.HEADS_TAG] == f"60 ledgers, sha256 {hashlib.sha256(canonical).hexdigest()}"
    assert tags[lib.DIGEST_TAG] == str(path)
