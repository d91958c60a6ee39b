"""Real `dbt build` of the OKX market and account models (and core.candles, the unified
position/balance observations, core.positions, core.balances, marts.market_states) on the
recorded fixtures, with hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.okx.account import sync_balances, sync_funding, sync_positions
from ingestion.okx.market import sync_candles, sync_tickers
from ingestion.okx.sync import sync_instruments
from tests.dbt_runner import dbt_build
from tests.okx.conftest import UID
from tests.okx.make_market_fixtures import candles, last_close
from tests.okx.test_recorded_market import DEMO

SELECT = (
    "+int_candles__okx +int_ticker_spreads__okx +int_position_observations__okx "
    "+int_balance_observations__okx +int_funding_payments__okx +candles +positions +balances "
    "+market_states"
)
NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)
ELEVEN = datetime(2026, 11, 23, 11, tzinfo=UTC)


def test_okx_market_and_account_models(okx_ctx, db_url, tmp_path):
    for fn in (sync_instruments, sync_candles, sync_tickers, sync_positions, sync_balances,
               sync_funding):  # fmt: skip
        fn(okx_ctx(DEMO))
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    eth = last_close("ETH-USDT-SWAP")
    with psycopg.connect(db_url) as conn:
        q = conn.execute
        # core.candles: 1285 per instrument, the open hour not closed; SWAP volume in ETH
        assert q(
            "select instrument, count(*), count(*) filter (where not is_closed) from core.candles "
            "where venue = 'okx' group by 1 order by 1"
        ).fetchall() == [("BTC-USDT", 1285, 1), ("ETH-USDT-SWAP", 1285, 1)]
        raw = {r[0]: r for r in candles("ETH-USDT-SWAP")}
        first = raw[str(int(datetime(2026, 10, 1, tzinfo=UTC).timestamp() * 1000))]
        assert q(
            "select volume, volume_usd from core.candles where instrument = 'ETH-USDT-SWAP' "
            "and open_time = '2026-10-01 00:00+00'"
        ).fetchone() == (Decimal(first[6]), Decimal(first[7]))
        # spread: ETH ticker bid/ask = last ∓ 0.01, quoted at 11:59:59.850 -> the 11:00 candle
        spread = q(
            "select candle_open_time, spread_bps, state from marts.market_states "
            "where venue = 'okx' and instrument = 'ETH-USDT-SWAP' and spread_bps is not null"
        ).fetchall()
        expected = (Decimal("0.02") / eth * 10000).quantize(Decimal("0.0001"))
        assert [(r[0], r[1]) for r in spread] == [(ELEVEN, expected)]
        assert q("select count(*) from marts.market_states where venue = 'okx'").fetchone() == (
            2 * 1284,
        )
        # position: net mode pos 25 -> long 2.5 ETH at 3400
        pos = q(
            "select account, market_id, outcome, quantity, cost, fees_paid, funding_paid, "
            "leverage, liquidation_price, mark_price, unrealized_pnl, margin "
            "from intermediate.int_position_observations__okx"
        ).fetchone()
        upl = ((eth - Decimal("3400")) * Decimal("2.5")).quantize(Decimal("0.0001"))
        expected_pos = (
            UID, "ETH-USDT-SWAP", "long", Decimal("2.5"), Decimal("8500.0"), Decimal("4.25"),
            Decimal("1.6"), Decimal("5"), Decimal("2745.12"),
        )  # fmt: skip
        assert pos[:9] == expected_pos
        assert pos[9:11] == (eth, upl)
        assert q(
            "select venue, market_id, outcome, quantity from core.positions where venue = 'okx'"
        ).fetchall() == [("okx", "ETH-USDT-SWAP", "long", Decimal("2.5"))]
        assert q(
            "select currency, balance from core.balances where venue = 'okx' order by 1"
        ).fetchall() == [("BTC", Decimal("0.0523")), ("USDT", Decimal("12500.75"))]
        assert q(
            "select count(*), sum(amount), min(position_size) "
            "from intermediate.int_funding_payments__okx"
        ).fetchone() == (6, Decimal("1.4319"), Decimal("2.5"))
