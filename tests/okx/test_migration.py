"""Migrations 0103, 0220 and 0223: ledgers protected, exact id and amount types, clean downgrade."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.schema import applied_revisions, downgrade_all, migrate

LEDGERS = (
    "okx_fills",
    "okx_instrument_observations",
    "okx_candles",
    "okx_ticker_observations",
    "okx_position_observations",
    "okx_balance_observations",
    "okx_funding_bills",
    "okx_order_observations",
)


def _ours(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'okx%%'"
        ).fetchall()
    return {r[0] for r in rows}


def test_up_down_up(empty_db_url):
    migrate(empty_db_url)
    assert {"0103", "0220", "0224"} <= set(applied_revisions(empty_db_url))
    assert _ours(empty_db_url) == {f"ledger.{t}" for t in LEDGERS}
    downgrade_all(empty_db_url)
    assert _ours(empty_db_url) == set()
    migrate(empty_db_url)
    assert _ours(empty_db_url) == {f"ledger.{t}" for t in LEDGERS}


def test_ids_are_text_and_amounts_numeric(conn):
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ledger' and table_name = 'okx_fills'"
        ).fetchall()
    )
    assert types["bill_id"] == types["order_id"] == types["trade_id"] == "text"
    assert {types[c] for c in ("price", "quantity", "fee", "fee_raw", "realized_pnl")} == {
        "numeric"
    }


INSERT = (
    "insert into ledger.okx_fills (account, bill_id, inst_type, inst_id, side, is_liquidation, "
    "is_adl, price, quantity, quantity_unit, fee, fee_raw, executed_at, record_hash) values "
    "('1', '9300000000000000001', 'SPOT', 'BTC-USDT', 'buy', false, false, 1, 1, 'base', "
    "%s, %s, now(), 'h')"
)


def test_a_stored_fill_cannot_be_rewritten(conn):
    conn.execute(INSERT, (1, -1))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("update ledger.okx_fills set fee = 0")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("delete from ledger.okx_fills")


def test_fee_must_be_the_venue_fee_negated(conn):
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute(INSERT, (1, 1))  # a charge stored with the venue's sign


def test_new_ledgers_keep_ids_text_and_amounts_numeric(conn):
    types = dict(
        conn.execute(
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'ledger' and table_name in "
            "('okx_funding_bills', 'okx_position_observations', 'okx_candles')"
        ).fetchall()
    )
    assert types["okx_funding_bills.bill_id"] == types["okx_position_observations.pos_id"] == "text"
    numeric = ("okx_funding_bills.amount", "okx_position_observations.pos", "okx_candles.volume")
    assert {types[c] for c in numeric} == {"numeric"}
