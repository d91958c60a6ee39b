"""core.wallet_events.size_fraction / size_basis / is_first_since_watch on the recorded wallets,
hand-computed from the fixtures, and an incremental run after late trades equal to a full
refresh.

hl-whale (tests/hyperliquid/make_fixtures.py) trades round trips from 2026-11-10 00:00, a fill
every 475 s: fill i is ETH when (i // 2) is even (0.5 ETH at 3000 + (i // 2) % 97, +2 when
closing), else BTC (0.02 at 95000 + 7 × ((i // 2) % 89), +40 when closing). Its equity is
60,000 USDC from 2026-11-20 12:00 (clearinghouse_state_whale.json, `time`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ingestion.hyperliquid.sync import sync_wallet_equity, sync_wallet_fills
from ingestion.polymarket import sync as polymarket
from ingestion.settings import parse_config
from ingestion.wallets import record_tracked_wallets
from tests.analytics.performance_data import DEMO_CONFIG, NOW
from tests.dbt_runner import dbt_build

pytestmark = pytest.mark.slow

HL = "0xb1e5a9c3d7f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0"
PM = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
BASE_TID = 9_007_199_254_800_000
SELECT = "+wallet_events"


def hl_fill(i: int) -> str:
    return f"hyperliquid:{HL}:{BASE_TID + 7919 * i}"


def page2(n: int) -> str:
    return f"hyperliquid:{HL}:{9_007_199_999_999_000 + n}"


def derived(url: str, *event_ids: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {
            r[0]: r[1:]
            for r in conn.execute(
                "select event_id, size_fraction, size_basis, is_first_since_watch "
                "from core.wallet_events where event_id = any(%s)",
                (list(event_ids),),
            )
        }


def build(url: str, tmp: Path, *extra: str) -> None:
    # no arrival look-back: an incremental run reads only what arrived since the previous one
    # (the default 24 h would re-read every row this test loaded minutes ago)
    done = dbt_build(url, tmp, SELECT, *extra, vars_='{"arrival_lookback_hours": 0}')
    assert done.returncode == 0, done.stdout[-6000:]


@pytest.fixture
def wallets_db(sync_context, db_url: str, tmp_path: Path) -> str:
    config = parse_config(DEMO_CONFIG.read_text(), origin=str(DEMO_CONFIG))
    ctx = sync_context(config, now=lambda: NOW)
    for sync in (
        sync_wallet_fills,
        sync_wallet_equity,
        polymarket.sync_wallet_activity,
        polymarket.sync_wallet_value,
    ):
        sync(ctx)
    with psycopg.connect(db_url) as conn:
        record_tracked_wallets(conn, config.wallets, sync_start=config.sync_start)
    build(db_url, tmp_path)
    return db_url


def test_size_fraction_and_first_trades_of_the_recorded_wallets(wallets_db: str) -> None:
    got = derived(
        wallets_db,
        hl_fill(0), hl_fill(1), hl_fill(2), hl_fill(196),
        page2(1), page2(2), page2(3), page2(4),
    )  # fmt: skip
    assert got == {
        # 11-10: the first ETH and the first BTC trade; no equity yet, no trade before the day
        hl_fill(0): (None, None, True),
        hl_fill(1): (None, None, False),
        hl_fill(2): (None, None, True),
        # 11-11 01:51 ETH buy 0.5 @ 3001 = 1500.5 over the median of 11-10's 182 fills: 92 ETH
        # (1500 ... 1546) below 90 BTC (1900 ...), so the 91st and 92nd are 1545 and 1546:
        # 1545.5, and 1500.5 / 1545.5 = 0.970883
        hl_fill(196): (Decimal("0.970883"), "median_30d", False),
        # after 11-20 12:00, over the equity of 60,000: BTC 1.5 @ 99850 = 149,775 (capped),
        # ETH 4 @ 3305.5 = 13,222 -> 0.220367, @107 400 @ 39.02 = 15,608 -> 0.260133 (its first
        # trade of that pair), @107 100 @ 38.9 = 3,890 -> 0.064833
        page2(1): (Decimal("1.000000"), "equity", False),
        page2(2): (Decimal("0.220367"), "equity", False),
        page2(3): (Decimal("0.260133"), "equity", True),
        page2(4): (Decimal("0.064833"), "equity", False),
    }
    with psycopg.connect(wallets_db) as conn:
        # one first trade per (wallet, source, market) with a trade; /value (12,500.25 at NOW,
        # after every recorded Polymarket trade) sizes none of them
        firsts, markets, pm_equity = conn.execute(
            "select count(*) filter (where is_first_since_watch), "
            "count(distinct (wallet, source, market_id)) filter (where event_type = 'trade' "
            "and market_id is not null), "
            "count(*) filter (where source = 'polymarket' and size_basis = 'equity') "
            "from core.wallet_events"
        ).fetchone()
        assert (firsts, pm_equity) == (markets, 0)
        assert (
            firsts
            == 3
            + conn.execute(
                "select count(distinct market_id) from core.wallet_events "
                "where source = 'polymarket' and event_type = 'trade' and market_id is not null"
            ).fetchone()[0]
        )


def insert_fills(url: str, *fills: tuple) -> None:
    with psycopg.connect(url) as conn:
        for tid, coin, price, size, at in fills:
            conn.execute(
                "insert into ledger.hyperliquid_wallet_fills (wallet, tid, coin, symbol, "
                "market_type, side, side_raw, price, size, executed_at, record_hash) "
                "values (%s, %s, %s, %s, 'perp', 'buy', 'B', %s, %s, %s, 'test')",
                (HL, tid, coin, coin, price, size, at),
            )


def test_late_trades_restate_firsts_and_medians_as_a_full_refresh_would(
    wallets_db: str, tmp_path: Path
) -> None:
    late_eth, sol, late_btc = (f"hyperliquid:{HL}:{t}" for t in ("late-eth", "new-sol", "late-btc"))
    # 1. an ETH trade of 09-01, more than 30 days before its first one (whose median window it
    # leaves alone): only the first-trade flag moves
    insert_fills(wallets_db, ("late-eth", "ETH", 3000, 1, "2026-09-01 12:00+00"))
    build(wallets_db, tmp_path)  # incremental
    assert derived(wallets_db, late_eth, hl_fill(0), hl_fill(2)) == {
        late_eth: (None, None, True),  # no equity then, no trade in the 30 days before 09-01
        hl_fill(0): (None, None, False),  # no longer the first ETH trade; size unchanged
        hl_fill(2): (None, None, True),
    }
    # 2. a first trade in a market it never traded, and a BTC trade of 11-09 12:00, 0.02 @
    # 150,000 = 3,000: the 11-10 trades' median window now holds it (median 3,000), and it is
    # the first BTC trade
    insert_fills(
        wallets_db,
        ("new-sol", "SOL", 150, 10, "2026-11-21 12:00+00"),
        ("late-btc", "BTC", 150000, "0.02", "2026-11-09 12:00+00"),
    )
    build(wallets_db, tmp_path)  # incremental
    assert derived(wallets_db, sol, late_btc, hl_fill(0), hl_fill(2)) == {
        sol: (Decimal("0.025000"), "equity", True),  # 10 @ 150 = 1,500 / 60,000
        late_btc: (None, None, True),
        hl_fill(0): (Decimal("0.500000"), "median_30d", False),  # ETH 0.5 @ 3000 = 1,500
        # BTC (i = 2, pair 1) 0.02 @ 95,007 = 1,900.14 -> 0.633380, no longer the first BTC
        hl_fill(2): (Decimal("0.633380"), "median_30d", False),
    }
    with psycopg.connect(wallets_db) as conn:
        incremental = conn.execute("select * from core.wallet_events order by event_id").fetchall()
    build(wallets_db, tmp_path, "--full-refresh")
    with psycopg.connect(wallets_db) as conn:
        full = conn.execute("select * from core.wallet_events order by event_id").fetchall()
    assert len(full) == len(incremental) and full == incremental
