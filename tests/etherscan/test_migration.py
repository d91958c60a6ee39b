"""The Etherscan ledgers exist after `alembic upgrade heads` and refuse rewrites."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.etherscan.sync import sync_transactions


@pytest.mark.parametrize(
    "statement",
    [
        "update ledger.etherscan_transactions set quantity = 0",
        "delete from ledger.etherscan_transactions",
        "truncate ledger.etherscan_token_transfers",
    ],
)
def test_ledgers_are_append_only(es_ctx, db_url, statement):
    sync_transactions(es_ctx())
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.Error):
        conn.execute(statement)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from ledger.etherscan_transactions").fetchone()[0] == 3


def test_amount_columns_are_numeric_and_ids_text(conn):
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ledger' and table_name = 'etherscan_token_transfers'"
        ).fetchall()
    )
    assert types["value_raw"] == types["quantity"] == "numeric"
    assert types["event_key"] == types["tx_hash"] == types["contract_address"] == "text"
