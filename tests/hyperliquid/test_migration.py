"""Migration 0104: both ledgers protected, exact id/amount types, clean downgrade."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.schema import applied_revisions, downgrade_all, migrate

LEDGERS = (
    "hyperliquid_fills",
    "hyperliquid_wallet_fills",
    "hyperliquid_wallet_equity",
    "hyperliquid_candles",
    "hyperliquid_position_observations",
    "hyperliquid_account_observations",
    "hyperliquid_funding",
    "hyperliquid_order_observations",
    "hyperliquid_asset_context_observations",
)


def _ours(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'hyperliquid%%'"
        ).fetchall()
    return {r[0] for r in rows}


def test_up_down_up(empty_db_url):
    migrate(empty_db_url)
    # 0104 depends on 0102 (the shared truncation table); 0201 depends on 0104
    assert "0104" in applied_revisions(empty_db_url)
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("select to_regclass('ops.wallet_history_truncations')").fetchone()[0]
    assert _ours(empty_db_url) == {f"ledger.{t}" for t in LEDGERS}
    downgrade_all(empty_db_url)
    assert _ours(empty_db_url) == set()
    migrate(empty_db_url)
    assert _ours(empty_db_url) == {f"ledger.{t}" for t in LEDGERS}


@pytest.mark.parametrize("table", LEDGERS[:2])
def test_fill_ledgers_are_typed(conn, table):
    # protection: tests/foundation/test_ledger_protection.py covers every ledger
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ledger' and table_name = %s",
            (table,),
        ).fetchall()
    )
    assert types["tid"] == types["oid"] == "text"
    assert types["price"] == types["size"] == types["fee"] == types["builder_fee"] == "numeric"


def test_the_equity_ledger_is_typed_and_refuses_a_negative_equity(conn):
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ledger' and table_name = 'hyperliquid_wallet_equity'"
        ).fetchall()
    )
    assert types["account_value"] == types["withdrawable"] == "numeric"
    assert types["venue_time"] == types["observed_at"] == "timestamp with time zone"
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        conn.execute(
            "insert into ledger.hyperliquid_wallet_equity (wallet, account_value, observed_at, "
            "record_hash) values (%s, -1, now(), 'h')",
            ("0x" + "a" * 40,),
        )


def test_a_stored_fill_cannot_be_rewritten(conn):
    conn.execute(
        "insert into ledger.hyperliquid_fills (account, tid, coin, symbol, market_type, side, "
        "side_raw, price, size, executed_at, record_hash) values "
        "('0xa', '9007199254740993', 'BTC', 'BTC', 'perp', 'buy', 'B', 1, 1, now(), 'h')"
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("update ledger.hyperliquid_fills set fee = 0")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("delete from ledger.hyperliquid_fills")
