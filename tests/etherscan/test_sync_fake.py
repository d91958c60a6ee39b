"""Sync through the in-process fake: bad records quarantined, keys redacted, chains skipped."""

from __future__ import annotations

import psycopg

from ingestion.etherscan.sync import sync_token_transfers, sync_transactions
from ingestion.http import RateLimiter
from tests.etherscan.conftest import WHALE
from tests.etherscan.fake_api import FakeEtherscan, token_row
from tests.etherscan.test_normalize import tx_raw

FAST = {"limiter": RateLimiter(10_000, burst=10_000)}


def fake_ctx(es_ctx, fake: FakeEtherscan, chains=(1,)):
    config = {"wallets": [{"address": WHALE, "evm_chains": list(chains)}]}
    ctx = es_ctx(config, env={"ETHERSCAN_API_KEY": fake.api_key})
    ctx.transport = lambda source: fake.transport()
    return ctx


def test_bad_records_are_quarantined_with_the_reason_and_good_ones_load(es_ctx, db_url):
    stranger = "0x" + "9" * 40
    rows = [
        tx_raw(hash="0x" + "01" * 32, blockNumber="150"),
        tx_raw(hash="0x" + "02" * 32, blockNumber="151", value="1.5"),
        tx_raw(hash="0x" + "03" * 32, blockNumber="152", **{"from": stranger, "to": stranger}),
        tx_raw(hash="0x" + "04" * 32, blockNumber="153", to=WHALE, **{"from": stranger}),
    ]
    fake = FakeEtherscan(rows={(1, "txlist"): rows})
    result = sync_transactions(fake_ctx(es_ctx, fake), **FAST)
    assert (result.inserted, result.quarantined) == (2, 2)
    with psycopg.connect(db_url) as conn:
        reasons = conn.execute(
            "select payload->>'hash', reason, page_id is not null from ops.quarantine "
            "where source = 'etherscan' and stream = 'transactions' order by 1"
        ).fetchall()
        landed = conn.execute(
            "select request_params->>'apikey', payload->>'status' from raw.pages "
            "where source = 'etherscan' order by page_id"
        ).fetchall()
        anywhere = conn.execute(
            "select count(*) from raw.pages where request_params::text like %s",
            (f"%{fake.api_key}%",),
        ).fetchone()[0]
    assert reasons[0][0] == "0x" + "02" * 32 and "value" in reasons[0][1] and reasons[0][2]
    assert "neither from" in reasons[1][1]
    assert landed and all(p[0] == "***" for p in landed)  # the key never lands in raw.pages
    assert anywhere == 0
    again = sync_transactions(fake_ctx(es_ctx, fake), **FAST)
    assert (again.inserted, again.conflicts) == (0, 0)


def test_a_chain_off_the_plan_is_skipped_with_a_note_others_still_sync(es_ctx, db_url):
    fake = FakeEtherscan(rows={(1, "tokentx"): [token_row(120, 1, wallet=WHALE)]}, chains=(1,))
    result = sync_token_transfers(fake_ctx(es_ctx, fake, chains=(8453, 1)), **FAST)
    assert result.inserted == 1
    assert any("chain 8453 skipped" in note for note in result.notes)


def test_rate_limit_as_http_200_during_a_sync_is_retried(es_ctx, db_url):
    fake = FakeEtherscan(rows={(1, "tokentx"): [token_row(120, 1, wallet=WHALE)]}, rate_limited=1)
    result = sync_token_transfers(fake_ctx(es_ctx, fake), **FAST)
    assert result.inserted == 1
    with psycopg.connect(db_url) as conn:
        statuses = conn.execute(
            "select payload->>'result' from raw.pages where source = 'etherscan' order by page_id"
        ).fetchall()
    assert "rate limit" in statuses[0][0]  # the refusal itself was landed before the retry


def test_a_78_digit_transfer_is_stored_to_the_last_digit(es_ctx, db_url):
    huge = str(2**256 - 1)
    row = token_row(130, 1, wallet=WHALE, value=huge, tokenDecimal="18")
    fake = FakeEtherscan(rows={(1, "tokentx"): [row]})
    assert sync_token_transfers(fake_ctx(es_ctx, fake), **FAST).inserted == 1
    with psycopg.connect(db_url) as conn:
        raw, quantity = conn.execute(
            "select value_raw::text, quantity::text from ledger.etherscan_token_transfers"
        ).fetchone()
    assert raw == huge
    assert quantity == f"{huge[:-18]}.{huge[-18:]}"
