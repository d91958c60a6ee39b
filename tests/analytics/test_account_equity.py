"""Real `dbt build` of marts.account_equity (its unit tests run in the same build) on the
recorded Hyperliquid answers, then an incremental run that carries the sums forward."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import (
    sync_accounts,
    sync_candles,
    sync_fills,
    sync_funding,
    sync_positions,
)
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import CONFIG, FIXTURES, NOW, OWN

SELECT = "+account_equity"
UNTIL = '{"account_equity_until": "%s"}'
CONFIG_WITH_COINS = {**CONFIG, "markets": {"hyperliquid": {"coins": ["BTC", "ETH"]}}}


def _row(conn, hour: datetime) -> tuple:
    return conn.execute(
        "select balance, unrealized_pnl, equity, realized_pnl_cum, fees_cum, funding_paid_cum, "
        "peak_equity, drawdown_pct from marts.account_equity "
        "where venue = 'hyperliquid' and account = %s and hour = %s",
        (OWN, hour),
    ).fetchone()


def test_account_equity_from_the_recorded_answers_and_an_incremental_run(
    sync_context, db_url, tmp_path
):
    ctx = sync_context(CONFIG_WITH_COINS, replay_dir=FIXTURES, now=lambda: NOW)
    for sync in (sync_fills, sync_candles, sync_positions, sync_accounts, sync_funding):
        sync(ctx)
    # the positions and the summary were observed at NOW (2026-11-23 12:00); build to 13:00
    done = dbt_build(db_url, tmp_path, SELECT, vars_=UNTIL % "2026-11-23 11:30:00+00")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        first = conn.execute(
            "select min(hour), max(hour), count(*) from marts.account_equity "
            "where venue = 'hyperliquid'"
        ).fetchone()
        before = _row(conn, datetime(2026, 11, 23, 11, tzinfo=UTC))
    # from the first own fill (2026-11-10 14:05) to 11:00, hourly
    assert first[:2] == (
        datetime(2026, 11, 10, 14, tzinfo=UTC),
        datetime(2026, 11, 23, 11, tzinfo=UTC),
    )
    assert first[2] == 12 * 24 + 22
    # no balance or position observed yet: only realized PnL and fees of the 12 fills (the
    # revenge burst after the liquidation closed at -172.8), and the funding paid 07:00-09:00
    # (0.188439 - 0.030904 = 0.157535)
    fills_pnl = (
        Decimal("91.14")
        + Decimal("105.45")
        + Decimal("12.3")
        - Decimal("628.2")
        + Decimal("24.16")
        - Decimal("172.8")
    )
    fees = sum(map(Decimal, ["5.251527", "-0.093612", "13.23135", "2.516332", "0.0175",
                             "0.232575", "8.2215", "0.3816", "1.155672",
                             "16.44624", "16.45272", "32.8212"]))  # fmt: skip
    assert before == (
        Decimal(0), Decimal(0), Decimal(0), fills_pnl - Decimal("0.157535"), fees,
        Decimal("0.157535"), Decimal(0), Decimal(0),
    )  # fmt: skip

    again = dbt_build(db_url, tmp_path, "account_equity", vars_=UNTIL % "2026-11-23 12:30:00+00")
    assert again.returncode == 0, again.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        noon = _row(conn, NOW)
        count = conn.execute(
            "select count(*) from marts.account_equity where venue = 'hyperliquid'"
        ).fetchone()[0]
    assert count == first[2] + 1
    # 12:00-13:00: collateral 25000.00; BTC 0.05 long at 100200 marked at the 12:00 candle's
    # close 100601 = +20.05; ETH 0.4 short at 3850 at 3862.7 = -5.08
    assert noon[:3] == (Decimal("25000.00"), Decimal("14.97"), Decimal("25014.97"))
    assert noon[3:6] == before[3:6]  # carried forward, nothing new in that hour
    assert noon[6:] == (Decimal("25014.97"), Decimal(0))
