"""The loader: COPY, staging, ON CONFLICT, conflicts, observations, quarantine, cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion import loader
from ingestion.chain import stored_heads, verify_table
from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.loader import LedgerTable, load, load_batches
from ingestion.quarantine import partition

FILLS = LedgerTable(
    name="ledger.test_fills",
    columns=("fill_id", "price", "quantity", "side", "executed_at", "raw"),
    key=("fill_id",),
)
OBS = LedgerTable(
    name="ledger.test_market_observations",
    columns=("market_id", "status", "price", "observed_at"),
    key=("market_id", "observed_at"),
    mode="observation",
)
T0 = datetime(2025, 11, 23, 18, 0, tzinfo=UTC)


@pytest.fixture
def ledger(conn: psycopg.Connection) -> psycopg.Connection:
    # Test-only tables shaped like a source migration's ledgers.
    conn.execute(
        """
        create table ledger.test_fills (
            fill_id text primary key, price numeric not null, quantity numeric not null,
            side text not null, executed_at timestamptz not null, raw jsonb,
            record_hash text not null, page_id bigint, loaded_at timestamptz default now());
        select ops.protect_ledger('ledger.test_fills');
        create table ledger.test_market_observations (
            market_id text not null, status text, price numeric, observed_at timestamptz not null,
            record_hash text not null, page_id bigint, loaded_at timestamptz default now(),
            unique (market_id, observed_at));
        select ops.protect_ledger('ledger.test_market_observations');
        """
    )
    conn.commit()
    return conn


def fill(i: int, price: str = "0.38", **kw) -> dict:
    return {
        "fill_id": f"f{i}",
        "price": Decimal(price),
        "quantity": Decimal("10.5"),
        "side": "buy",
        "executed_at": T0 + timedelta(minutes=i),
        "raw": {"i": i},
        **kw,
    }


def count(conn, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def test_redelivery_is_a_noop_and_values_are_exact(ledger) -> None:
    rows = [fill(i, price="0.123456") for i in range(5)]
    first = load(ledger, FILLS, rows)
    second = load(ledger, FILLS, rows)
    assert (first.inserted, second.inserted, second.duplicates) == (5, 0, 5)
    assert count(ledger, "ledger.test_fills") == 5
    assert ledger.execute("select price from ledger.test_fills limit 1").fetchone() == (
        Decimal("0.123456"),
    )


def test_duplicates_inside_one_batch_load_once(ledger) -> None:
    result = load(ledger, FILLS, [fill(1), fill(1), fill(2)])
    assert result.inserted == 2
    assert count(ledger, "ledger.test_fills") == 2


def test_changed_content_under_same_key_is_a_conflict_not_an_overwrite(ledger) -> None:
    load(ledger, FILLS, [fill(1, "0.40")])
    result = load(ledger, FILLS, [fill(1, "0.41"), fill(2)])
    assert (result.inserted, result.conflicts) == (1, 1)
    assert ledger.execute("select price from ledger.test_fills where fill_id='f1'").fetchone() == (
        Decimal("0.40"),
    )
    conflict = ledger.execute(
        "select table_name, natural_key, incoming_record->>'price' from ops.ledger_conflicts"
    ).fetchone()
    assert conflict == ("ledger.test_fills", {"fill_id": "f1"}, "0.41")
    again = load(ledger, FILLS, [fill(1, "0.41")])  # reported again, recorded once
    assert again.conflicts == 1 and count(ledger, "ops.ledger_conflicts") == 1


def test_observations_append_only_on_change_and_keep_a_b_a(ledger) -> None:
    def obs(minute: int, status: str, price: str) -> dict:
        return {
            "market_id": "M",
            "status": status,
            "price": Decimal(price),
            "observed_at": T0 + timedelta(minutes=minute),
        }

    assert load(ledger, OBS, [obs(0, "open", "0.5")]).inserted == 1
    assert load(ledger, OBS, [obs(1, "open", "0.5")]).inserted == 0  # unchanged: nothing added
    assert load(ledger, OBS, [obs(2, "open", "0.6"), obs(3, "open", "0.6")]).inserted == 1
    assert load(ledger, OBS, [obs(4, "open", "0.5")]).inserted == 1  # back to A is a new version
    prices = ledger.execute(
        "select price from ledger.test_market_observations order by observed_at"
    ).fetchall()
    assert [p[0] for p in prices] == [Decimal("0.5"), Decimal("0.6"), Decimal("0.5")]


def test_bad_records_are_quarantined_and_page_mates_load_with_the_cursor(ledger) -> None:
    raw = [{"id": "f1", "price": "0.38"}, {"id": "f2", "price": "abc"}, {"id": "f3"}]

    def parse(item: dict) -> dict:
        return fill(int(item["id"][1:]), price=str(Decimal(item["price"])))

    good, bad = partition(raw, parse, source="test", stream="fills", page_id=None)
    assert [g["fill_id"] for g in good] == ["f1"]
    assert [b.reason for b in bad] == ["not a decimal number", "missing field 'price'"]
    result = load(
        ledger,
        FILLS,
        good,
        rejects=bad,
        cursor=CursorUpdate("test", "fills", "2025-11-23T18:01:00Z"),
    )
    assert (result.inserted, result.quarantined) == (1, 2)
    assert get_cursor(ledger, "test", "fills") == "2025-11-23T18:01:00Z"
    load(ledger, FILLS, good, rejects=bad)  # seen again: counted, not duplicated
    rows = ledger.execute(
        "select reason, seen_count from ops.quarantine order by reason"
    ).fetchall()
    assert [r[1] for r in rows] == [2, 2]


def test_a_failed_batch_commits_neither_rows_nor_cursor(ledger) -> None:
    bad_row = fill(9)
    bad_row["side"] = None  # violates NOT NULL inside the transaction
    with pytest.raises(psycopg.errors.NotNullViolation):
        load(ledger, FILLS, [fill(1), bad_row], cursor=CursorUpdate("test", "fills", "x"))
    ledger.rollback()
    assert count(ledger, "ledger.test_fills") == 0
    assert get_cursor(ledger, "test", "fills") is None


def test_ledger_rows_cannot_be_rewritten(ledger) -> None:
    load(ledger, FILLS, [fill(1)])
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ledger.execute("update ledger.test_fills set price = 0")
    ledger.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ledger.execute("delete from ledger.test_fills")


def _stored(conn) -> list[tuple]:
    return conn.execute(
        "select fill_id, price, record_hash, page_id, chain_seq from ledger.test_fills "
        "order by chain_seq"
    ).fetchall()


def _chain_intact(conn, table: str = "ledger.test_fills") -> bool:
    report = verify_table(conn, table, recorded=stored_heads(conn).get(table))
    return report.intact


@pytest.mark.parametrize("optimistic_rows", [10_000, 2])
def test_bulk_plain_insert_and_its_fallback_store_what_on_conflict_does(
    ledger, monkeypatch, optimistic_rows
) -> None:
    """A bulk batch tries a plain INSERT first; a stored key, a key twice in the batch or a
    changed record rolls that try back and ON CONFLICT loads it: same rows, hashes, chain."""
    monkeypatch.setattr(loader, "_OPTIMISTIC_ROWS", optimistic_rows)
    first = load(ledger, FILLS, [fill(1, "0.40"), fill(2)], page_id=7)
    # f3 new, f1 changed (a conflict), f2 stored (a duplicate), f4 twice in the batch
    second = load(ledger, FILLS, [fill(3), fill(1, "0.41"), fill(2), fill(4), fill(4)])
    third = load(ledger, FILLS, [fill(5), fill(6)])
    assert (first.inserted, first.duplicates, first.conflicts) == (2, 0, 0)
    assert (second.inserted, second.duplicates, second.conflicts) == (2, 2, 1)
    assert (third.inserted, third.duplicates, third.conflicts) == (2, 0, 0)
    stored = _stored(ledger)
    assert [(f, p, seq) for f, _, _, p, seq in stored] == [
        ("f1", 7, 1), ("f2", 7, 2), ("f3", None, 3), ("f4", None, 4), ("f5", None, 5),
        ("f6", None, 6),
    ]  # fmt: skip
    assert stored[0][1] == Decimal("0.40")
    hashes = ledger.execute(
        "select bool_and(record_hash = md5(row(fill_id, price, quantity, side, executed_at, "
        "raw)::text)) from ledger.test_fills"
    ).fetchone()
    assert hashes == (True,)
    assert count(ledger, "ops.ledger_conflicts") == 1
    assert _chain_intact(ledger)


def test_load_batches_stores_every_batch_in_order_with_the_cursor(ledger, db_url) -> None:
    batches = [[fill(i) for i in range(k * 3, k * 3 + 3)] for k in range(5)]
    result = load_batches(
        lambda: psycopg.connect(db_url),
        FILLS,
        batches,
        cursor=CursorUpdate("test", "fills", "done"),
    )
    assert (result.rows, result.inserted, result.duplicates) == (15, 15, 0)
    assert count(ledger, "ledger.test_fills") == 15
    assert get_cursor(ledger, "test", "fills") == "done"
    assert _chain_intact(ledger)


def test_load_batches_failing_batch_holds_the_last_batch_and_cursor(ledger, db_url) -> None:
    bad = fill(4)
    bad["side"] = None  # violates NOT NULL
    batches = [[fill(1)], [fill(2)], [fill(3), bad], [fill(5)], [fill(6)]]
    with pytest.raises(psycopg.errors.NotNullViolation):
        load_batches(
            lambda: psycopg.connect(db_url),
            FILLS,
            batches,
            cursor=CursorUpdate("test", "fills", "done"),
        )
    ledger.rollback()
    stored = {r[0] for r in _stored(ledger)}
    assert "f6" not in stored and "f3" not in stored and {"f1", "f2"} <= stored
    assert get_cursor(ledger, "test", "fills") is None
    assert _chain_intact(ledger)
