"""Sync against the recorded fixtures (ReplayTransport) into a real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from ingestion.errors import SourceSkipped
from ingestion.etherscan.sync import sync_token_transfers, sync_transactions
from tests.etherscan.conftest import PAGING, PAGING_CONFIG, WHALE


def _rows(db_url: str, sql: str, *args):
    with psycopg.connect(db_url) as conn:
        return conn.execute(sql, args).fetchall()


def test_transactions_in_human_units_with_gas_and_failures(es_ctx, db_url):
    result = sync_transactions(es_ctx())
    assert (result.inserted, result.quarantined, result.conflicts) == (3, 0, 0)
    rows = _rows(
        db_url,
        "select chain_id, direction, quantity, value_wei, fee, succeeded from "
        "ledger.etherscan_transactions where wallet = %s order by occurred_at",
        WHALE,
    )
    assert rows == [
        (1, "in", Decimal("1.5"), Decimal("1500000000000000000"), Decimal(0), True),
        (1, "out", Decimal("0.25"), Decimal("250000000000000000"), Decimal("0.0000315"), True),
        # reverted: moved nothing, still paid 45123 gas x 2 gwei
        (1, "out", Decimal(0), Decimal("100000000000000000"), Decimal("0.000090246"), False),
    ]
    cursors = dict(_rows(db_url, "select scope, value from ops.cursors where source = 'etherscan'"))
    assert cursors == {f"{WHALE}:1": "26396904", f"{WHALE}:137": "78449999"}


def test_token_transfers_exact_decimals_both_key_shapes(es_ctx, db_url):
    result = sync_token_transfers(es_ctx())
    assert (result.inserted, result.quarantined) == (4, 0)
    rows = _rows(
        db_url,
        "select chain_id, token_symbol, direction, quantity, log_index, event_key "
        "from ledger.etherscan_token_transfers order by occurred_at",
    )
    assert [r[:5] for r in rows] == [
        (1, "WETH", "in", Decimal("2.5"), None),
        (137, "USDC", "in", Decimal("250.5"), 214),
        (1, "USDC", "out", Decimal("1234.56"), None),
        (137, "USDC.e", "out", Decimal("100"), 37),
    ]
    # with logIndex: hash:logIndex; without: hash:contract:from:to:value:ordinal
    assert rows[1][5].endswith(":214") and rows[1][5].count(":") == 1
    assert rows[0][5].endswith(":2500000000000000000:0") and rows[0][5].count(":") == 5


def test_second_sync_adds_nothing(es_ctx, db_url):
    ctx = es_ctx()
    sync_transactions(ctx), sync_token_transfers(ctx)
    again = [sync_transactions(ctx), sync_token_transfers(ctx)]
    assert [r.inserted for r in again] == [0, 0]
    assert [r.conflicts for r in again] == [0, 0]
    counts = _rows(
        db_url,
        "select (select count(*) from ledger.etherscan_transactions), "
        "(select count(*) from ledger.etherscan_token_transfers)",
    )
    assert counts == [(3, 4)]


def test_paging_slides_the_block_range_to_the_end(es_ctx, db_url):
    ctx = es_ctx(PAGING_CONFIG)
    result = sync_token_transfers(ctx, **PAGING)
    assert (result.inserted, result.pages, result.quarantined) == (6, 5, 0)
    rows = _rows(
        db_url,
        "select block_number, direction, quantity from ledger.etherscan_token_transfers "
        "order by block_number, log_index",
    )
    assert [r[0] for r in rows] == [
        409000001,
        409100002,
        409200003,
        409300004,
        409300004,
        409400005,
    ]
    assert rows[4][1:] == ("out", Decimal("4.5"))
    again = sync_token_transfers(ctx, **PAGING)
    assert again.inserted == 0


def test_missing_key_or_chains_is_a_skip(es_ctx):
    with pytest.raises(SourceSkipped, match="ETHERSCAN_API_KEY"):
        sync_transactions(es_ctx(env={}))
    no_chains = {"wallets": [{"address": WHALE, "polymarket": True}]}
    with pytest.raises(SourceSkipped, match="evm_chains"):
        sync_token_transfers(es_ctx(no_chains))
