"""Both streams end to end on the recorded fixtures (the demo's data) and a real PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion.errors import SourceSkipped
from ingestion.okx.sync import sync_fills, sync_instruments
from ingestion.sync import run_stream
from tests.okx.conftest import CONFIG, NOW, UID
from tests.okx.fake_api import make_fill


def count(db_url: str, table: str) -> int:
    with psycopg.connect(db_url) as conn:
        return conn.execute(f"select count(*) from ledger.{table}").fetchone()[0]


def test_first_sync_reads_history_then_recent_per_inst_type(okx_ctx, db_url, monkeypatch):
    ctx = okx_ctx()
    transport = ctx.transport("okx")
    monkeypatch.setattr(ctx, "transport", lambda source: transport)
    result = sync_fills(ctx)
    assert count(db_url, "okx_fills") == 103 + 6
    assert (result.pages, result.inserted, result.quarantined, result.conflicts) == (5, 109, 0, 0)
    assert result.duplicates == 16  # the last 3 days again from GET /trade/fills: no-ops
    hist, recent = "/api/v5/trade/fills-history", "/api/v5/trade/fills"
    assert paths_of(transport) == [
        ("/api/v5/account/config", None, None),
        (hist, "SPOT", None),
        (hist, "SPOT", "9300000000000031676"),  # oldest billId of the full page 1
        (recent, "SPOT", None),
        (hist, "SWAP", None),
        (recent, "SWAP", None),
    ]
    # sync_start (2025-11-01) is before OKX's 3-month window: said, not silently dropped
    assert any("3 months" in n for n in result.notes)
    begins = {int(r.url.params["begin"]) for r in transport.requests if "begin" in r.url.params}
    floor = int((NOW - timedelta(days=90)).timestamp() * 1000)
    assert floor in begins and all(b >= floor for b in begins)
    assert all(r.url.params.get("limit") == "100" for r in transport.requests[1:])


def paths_of(transport):
    return [
        (r.url.path, r.url.params.get("instType"), r.url.params.get("after"))
        for r in transport.requests
    ]


def test_second_sync_adds_nothing_and_reads_only_recent(okx_ctx, db_url, monkeypatch):
    sync_fills(okx_ctx())
    sync_instruments(okx_ctx())
    before = (count(db_url, "okx_fills"), count(db_url, "okx_instrument_observations"))
    ctx = okx_ctx()
    transport = ctx.transport("okx")
    monkeypatch.setattr(ctx, "transport", lambda source: transport)
    again = sync_fills(ctx)
    instruments_again = sync_instruments(okx_ctx())
    assert (count(db_url, "okx_fills"), count(db_url, "okx_instrument_observations")) == before
    assert again.inserted == 0 and instruments_again.inserted == 0
    # the cursor is within 3 days of now: the history endpoint is not needed any more
    assert {p for p, _, _ in paths_of(transport)} == {
        "/api/v5/account/config",
        "/api/v5/trade/fills",
    }


def test_cursor_per_inst_type_is_the_newest_fill(okx_ctx, db_url):
    sync_fills(okx_ctx())
    with psycopg.connect(db_url) as conn:
        rows = dict(
            conn.execute(
                "select scope, value from ops.cursors where source = 'okx' and stream = 'fills'"
            ).fetchall()
        )
        newest = dict(
            conn.execute(
                "select distinct on (inst_type) inst_type, bill_id from ledger.okx_fills "
                "order by inst_type, executed_at desc, bill_id desc"
            ).fetchall()
        )
    assert set(rows) == {"SPOT", "SWAP"}
    assert {k: json.loads(v)["bill_id"] for k, v in rows.items()} == newest


def test_ledger_rows_are_exact(okx_ctx, db_url):
    sync_fills(okx_ctx())
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select bill_id, order_id, trade_id, inst_id, side, quantity, quantity_unit, fee, "
            "fee_raw, fee_currency, is_taker, is_liquidation, realized_pnl, account "
            "from ledger.okx_fills where inst_type = 'SWAP' order by bill_id"
        ).fetchall()
    assert {r[13] for r in rows} == {UID}
    rebate, *_, liquidation = rows
    assert rebate[7] == Decimal("-0.04600005") and rebate[8] == Decimal("0.04600005")
    assert rebate[10] is False and rebate[6] == "contracts"
    assert liquidation[2] == "-1877123456" and liquidation[10] is None and liquidation[11]
    assert liquidation[12] == Decimal("-652.425")
    flip = [r for r in rows if r[2] == "1877099999"]  # one order, two bills, one tradeId
    assert [(r[5], r[12]) for r in flip] == [(Decimal(10), Decimal("150.004")), (15, 0)]
    assert all(len(r[0]) == 19 and int(r[0]) > 2**63 for r in rows)


def test_instruments_are_observed_once_per_change(okx_ctx, db_url):
    result = sync_instruments(okx_ctx())
    assert result.inserted == 5
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select ct_val, ct_mult, ct_val_ccy, ct_type, settle_ccy from "
            "ledger.okx_instrument_observations where inst_id = 'BTC-USD-SWAP'"
        ).fetchone()
        spot = conn.execute(
            "select ct_val, base_ccy, quote_ccy from ledger.okx_instrument_observations "
            "where inst_type = 'SPOT' and inst_id = 'BTC-USDT'"
        ).fetchone()
    assert row == (Decimal(100), Decimal(1), "USD", "inverse", "BTC")
    assert spot == (None, "BTC", "USDT")


@pytest.mark.parametrize(
    ("config", "env", "expected"),
    [
        (CONFIG, {}, "OKX_API_KEY / OKX_API_SECRET / OKX_API_PASSPHRASE not set"),
        (CONFIG, {"OKX_API_KEY": "k", "OKX_API_SECRET": "s"}, "OKX_API_PASSPHRASE not set"),
        ({"accounts": {"okx": {"enabled": False}}}, None, "accounts.okx.enabled is false"),
        ({"accounts": {"okx": {"enabled": True, "inst_types": []}}}, None, "inst_types is empty"),
    ],
)
def test_missing_credentials_or_config_is_a_clear_skip(okx_ctx, config, env, expected):
    with pytest.raises(SourceSkipped, match=expected):
        sync_fills(okx_ctx(config, env))


def test_skip_is_recorded_as_skipped_not_failed(okx_ctx, db_url):
    result = run_stream(okx_ctx(env={}), "okx", "fills", sync_fills)
    assert result.skipped and "OKX_API_KEY" in result.skipped
    with psycopg.connect(db_url) as conn:
        status = conn.execute("select status from ops.sync_runs where source = 'okx'").fetchone()
    assert status == ("skipped",)


def test_instruments_need_no_credentials(okx_ctx, db_url):
    assert sync_instruments(okx_ctx(env={})).inserted == 5


def test_bad_fill_is_quarantined_and_its_page_mates_load(fake_ctx, fake, db_url):
    start = NOW - timedelta(days=1)
    fake.fills = [make_fill(n, at=start + timedelta(minutes=n)) for n in range(5)]
    fake.fills[2]["fillPx"] = "-5"  # not a price
    result = sync_fills(fake_ctx({"accounts": {"okx": {"enabled": True, "inst_types": ["SPOT"]}}}))
    # seen by both endpoints (history and last 3 days): one quarantine row, seen twice
    assert (result.inserted, result.quarantined) == (4, 2)
    assert not fake.rejected  # every request carried a valid signature
    with psycopg.connect(db_url) as conn:
        ((reason, payload, page_id, seen),) = conn.execute(
            "select reason, payload, page_id, seen_count from ops.quarantine where source = 'okx'"
        ).fetchall()
        raw = conn.execute(
            "select payload_text, payload from raw.pages where page_id = %s", (page_id,)
        ).fetchone()
    assert "fillPx -5 is not positive" in reason and payload["billId"] == fake.fills[2]["billId"]
    assert raw[1] is not None and len(raw[1]["data"]) == 5  # the whole page was landed first
    assert seen == 2


def test_a_later_sync_after_an_outage_reads_history_from_the_cursor(fake_ctx, fake, db_url):
    config = {"accounts": {"okx": {"enabled": True, "inst_types": ["SWAP"]}}}
    fake.fills = [make_fill(1, at=NOW - timedelta(days=20), inst_type="SWAP")]
    sync_fills(fake_ctx(config))
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "update ops.cursors set value = jsonb_set(value::jsonb, '{synced_to}', "
            "to_jsonb(%s::text))::text where source = 'okx'",
            ((NOW - timedelta(days=10)).isoformat(),),
        )
    fake.fills.append(make_fill(2, at=NOW - timedelta(days=5), inst_type="SWAP"))
    fake.requests.clear()
    result = sync_fills(fake_ctx(config))
    assert result.inserted == 1 and not result.notes  # within 3 months: nothing out of reach
    history = [r for r in fake.requests if r.url.path.endswith("fills-history")]
    begin = int(history[0].url.params["begin"])
    assert begin == int((NOW - timedelta(days=10, minutes=30)).timestamp() * 1000)
