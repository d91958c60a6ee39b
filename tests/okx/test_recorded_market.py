"""The demo's recorded market and account answers (tests/fixtures/okx) through every new stream:
row counts, the exact values a reader checks, and no schema drift (every documented field the
models do not keep is declared in `wire_known`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.okx.account import sync_balances, sync_funding, sync_positions
from ingestion.okx.market import sync_candles, sync_tickers
from tests.okx.conftest import CONFIG

DEMO = {**CONFIG, "markets": {"okx": {"instruments": ["BTC-USDT", "ETH-USDT-SWAP"]}}}


def test_recorded_streams_load_without_drift(okx_ctx, db_url):
    results = {
        fn.__name__: fn(okx_ctx(DEMO))
        for fn in (sync_candles, sync_tickers, sync_positions, sync_balances, sync_funding)
    }
    assert {k: (r.inserted, r.quarantined, r.conflicts) for k, r in results.items()} == {
        "sync_candles": (2 * 1285, 0, 0),
        "sync_tickers": (2, 0, 0),
        "sync_positions": (1, 0, 0),
        "sync_balances": (2, 0, 0),
        "sync_funding": (6, 0, 0),
    }
    with psycopg.connect(db_url) as conn:
        drift = conn.execute("select stream, field, change from ops.schema_drift").fetchall()
        assert drift == []
        open_ = conn.execute(
            "select inst_id, open_time, volume from ledger.okx_candles where not is_closed "
            "order by inst_id"
        ).fetchall()
        pos = conn.execute(
            "select pos_side, pos, avg_px, lever, liq_px, funding_fee "
            "from ledger.okx_position_observations"
        ).fetchone()
        paid = conn.execute("select sum(amount) from ledger.okx_funding_bills").fetchone()[0]
    noon = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert [(i, t) for i, t, _ in open_] == [("BTC-USDT", noon), ("ETH-USDT-SWAP", noon)]
    assert pos == ("net", Decimal("25"), Decimal("3400"), Decimal("5"), Decimal("2745.12"),
                   Decimal("-1.6"))  # fmt: skip
    # 0.2851 + 0.3102 - 0.0815 + 0.2977 + 0.3314 + 0.2890 paid
    assert paid == Decimal("1.4319")
    again = sync_candles(okx_ctx(DEMO))
    assert again.inserted == 0 and again.pages == 2  # from the cursor: one page each
