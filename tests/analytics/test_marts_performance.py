"""The performance marts on the demo data, recomputed by hand from the fixture numbers.

The demo fixtures are synced into a fresh database (same sync functions as the demo), the demo
reference data is loaded, and the real `dbt build` of daily_performance, trade_attribution,
strategy_version_comparison and wallet_scores (and everything upstream) runs once per module.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ingestion.ref_data import load_ref_dir
from tests.analytics.performance_data import (
    PERFORMANCE_MARTS,
    database_copy,
    dbt,
    demo_database,
)

pytestmark = pytest.mark.slow

KALSHI = "kalshi"  # accounts.kalshi.account (default), whatever the API key id
POLYMARKET = "0x6af75d4e4aaf700450efbac3708cce1665810ff1"
WHALE = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
NEW_WALLET = "0x" + "ab" * 20
SCORES_AS_OF = '{"scores_as_of": "2026-11-23T00:00:00Z"}'


def build(url: str, tmp: Path, *extra: str) -> None:
    done = dbt(
        url,
        tmp,
        "build",
        "--select",
        *PERFORMANCE_MARTS.split(),
        "--indirect-selection",
        "cautious",
        *extra,
        vars_=SCORES_AS_OF,
    )
    assert done.returncode == 0, done.stdout[-6000:]


@pytest.fixture(scope="module")
def demo_db(
    pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    name = f"tl_perf_{os.getpid()}"
    tmp = tmp_path_factory.mktemp("perf")
    url = demo_database(pg_admin_url, template_db, name, tmp)
    build(url, tmp)
    yield url, tmp, name
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def test_kalshi_day_with_a_sale_nets_fill_pnl_minus_fees(demo_db) -> None:
    url, _, _ = demo_db
    # portfolio_fills_p1.json: 2026-11-14 buy 5 KC YES @ 0.4850 (fee 0.09);
    # 2026-11-15 23:10 sell 2 @ 0.7100, fee_cost 0.030000. Average entry 0.485, so the sale
    # realises 2 x (0.71 - 0.485) = 0.45; volume 2 x 0.71 = 1.42; net 0.45 - 0.03 = 0.42.
    day = rows(
        url,
        "select fills, volume, fees, realized_pnl, net_pnl from marts.daily_performance "
        "where day = '2026-11-15' and venue = 'kalshi' and account = %s",
        KALSHI,
    )
    assert day == [(1, Decimal("1.42"), Decimal("0.03"), Decimal("0.45"), Decimal("0.42"))]
    # portfolio_settlements_p2.json: 3 YES left, revenue 300 cents = 3.00, yes cost 1.4550:
    # 2026-11-16 realises 3 - 1.455 = 1.545 with no fill and no fee.
    # portfolio_settlements_p1.json: BUF 10 - 5.60 and KC (NO) 2.50 - 0.95 on 2025-11-24: 5.95.
    settled = rows(
        url,
        "select day::text, fills, realized_pnl, net_pnl from marts.daily_performance "
        "where venue = 'kalshi' and settlements > 0 order by day",
    )
    assert settled == [
        ("2025-11-24", 0, Decimal("5.95"), Decimal("5.95")),
        ("2026-11-16", 0, Decimal("1.545"), Decimal("1.545")),
    ]


def test_polymarket_positions_count_when_their_market_resolves(demo_db) -> None:
    url, _, _ = demo_db
    # data_trades_own.json, all on markets that resolved (Bills won, the total went Under):
    # Chiefs: bought 100 @ 0.45, sold 100 @ 0.52 on 2025-11-23 -> 100 x 0.07 = 7 (fill PnL)
    # Bills: 250 @ 0.56 held at resolution -> 250 x 1 - 140 = 110
    # Under: 80.5 @ 0.48 held -> 80.5 x 1 - 38.64 = 41.86 (bought at 18:40, after close_time)
    # 2025-11-23: 7 + 110 + 41.86 = 158.86; Polymarket reports no fees: net = realized.
    day = rows(
        url,
        "select fills, volume, fill_pnl, resolved_positions, resolution_pnl, net_pnl "
        "from marts.daily_performance where venue = 'polymarket' and account = %s "
        "and day = '2025-11-23'",
        POLYMARKET,
    )
    assert day == [
        (2, Decimal("90.64"), Decimal(7), 2, Decimal("151.86"), Decimal("158.86")),
    ]


def test_whale_scores_recomputed_by_hand(demo_db) -> None:
    url, _, _ = demo_db
    # data_trades_whale.json: BUY 1000 Bills @ 0.55 at 1763654405 (2025-11-20 16:00:05 UTC),
    # BUY 400 Under @ 0.50 at 2025-11-22 12:00, SELL 200 Bills @ 0.71 at 2025-11-23 19:30.
    # Window ending 2025-11-21 00:00 covers [11-20 00:00, 11-21 00:00): the Bills buy only:
    # trades_24h 1, volume 1000 x 0.55 = 550; Bills won, so 1 win of 1:
    # credibility_24h = 10 x (1 + 5) / (1 + 10) = 5.45 -> 5.5; a 550 USD trade -> whale.
    # Window ending 2025-11-23 20:00: the Bills sale at 0.71 (usdc 200 x 0.71 = 142) sold a
    # winner below its settlement value 1: a loss: credibility = 10 x 5 / 11 = 4.5 in every
    # window holding it; win rate over 30 days: 2 wins (Bills buy, Under buy) of 3 = 0.6667.
    scores = rows(
        url,
        "select scored_at, trades_24h, volume_24h_usd, credibility_1h, credibility_24h, "
        "win_rate, archetype from marts.wallet_scores where wallet = %s "
        "and scored_at in ('2025-11-21 00:00+00', '2025-11-23 20:00+00') order by scored_at",
        WHALE,
    )
    assert scores == [
        (datetime(2025, 11, 21, tzinfo=UTC), 1, Decimal(550), Decimal("5.0"), Decimal("5.5"),
         Decimal(1), "whale"),
        (datetime(2025, 11, 23, 20, tzinfo=UTC), 1, Decimal(142), Decimal("4.5"), Decimal("4.5"),
         Decimal("0.6667"), "whale"),
    ]  # fmt: skip
    # one row per 4h window from the first one after the first event (a SPLIT on 2025-11-19
    # 10:00, so 12:00) to scores_as_of 2026-11-23 00:00: (369 days x 24 h - 12 h) / 4 h + 1
    count = rows(
        url, "select count(*), min(scored_at) from marts.wallet_scores where wallet = %s", WHALE
    )
    assert count == [((369 * 24 - 12) // 4 + 1, datetime(2025, 11, 19, 12, tzinfo=UTC))]


def test_untagged_fills_have_null_versions(demo_db) -> None:
    url, _, _ = demo_db
    attribution = rows(
        url,
        "select venue, order_id, strategy_name, strategy_version, model_version, "
        "strategy_config is not null, is_tagged from marts.trade_attribution "
        "order by executed_at",
    )
    assert len(attribution) == 10  # every core.fills row
    untagged = [a for a in attribution if not a[-1]]
    # Polymarket trades carry no order id (4); Kalshi order 5a1b0d2f-0006 has no tag (1)
    assert sorted((a[0], a[1]) for a in untagged) == [
        ("kalshi", "5a1b0d2f-0006"),
        *[("polymarket", None)] * 4,
    ]
    assert all(a[2:6] == (None, None, None, False) for a in untagged)
    tagged = {a[1]: a[3] for a in attribution if a[-1]}
    assert tagged == {
        "4f0a9c1e-0001": "v1",
        "4f0a9c1e-0002": "v1",
        "5a1b0d2f-0003": "v2",
        "5a1b0d2f-0004": "v2",
        "5a1b0d2f-0005": "v2",
    }
    # A/B: v1 = BUF 10 x (1 - 0.56) + KC NO 2.5 x (1 - 0.38) = 5.95, fees 0.18 -> 5.77;
    # v2 = 5 x (1 - 0.485) + 2 x (0.71 - 1) = 1.995 (PHI still open), fees 0.3825 -> 1.6125
    ab = rows(
        url,
        "select strategy_version, fills, open_fills, realized_pnl, net_pnl "
        "from marts.strategy_version_comparison order by strategy_version",
    )
    assert ab == [
        ("v1", 2, 0, Decimal("5.95"), Decimal("5.77")),
        ("v2", 3, 1, Decimal("1.995"), Decimal("1.6125")),
    ]


def test_confidence_reaches_trade_attribution_as_the_bot_wrote_it(demo_db, pg_admin_url) -> None:
    # demo/ref/order_tags.csv: 0.62, 0.55, high, medium, 0.7 (CONTRACT §7: text as written)
    url, tmp, name = demo_db
    confidence = (
        "select order_id, confidence_at_execution, pg_typeof(confidence_at_execution)::text "
        "from marts.trade_attribution where venue = 'kalshi' order by order_id"
    )
    assert rows(url, confidence) == [
        ("4f0a9c1e-0001", "0.62", "text"),
        ("4f0a9c1e-0002", "0.55", "text"),
        ("5a1b0d2f-0003", "high", "text"),
        ("5a1b0d2f-0004", "medium", "text"),
        ("5a1b0d2f-0005", "0.7", "text"),
        ("5a1b0d2f-0006", None, "text"),
    ]
    # a bot tags the last order 'low' later, through the loader: the incremental run picks it up
    with database_copy(pg_admin_url, name, "confidence") as copy:
        tags = tmp / "late_tag"
        tags.mkdir(exist_ok=True)
        (tags / "order_tags.csv").write_text(
            "venue,order_id,strategy_name,strategy_version,confidence_at_execution,tagged_at\n"
            "kalshi,5a1b0d2f-0006,nfl_favorite_fade,v2,low,2026-11-22T00:00:00Z\n"
        )
        with psycopg.connect(copy) as conn:
            assert load_ref_dir(conn, tags) == {"order_tags": 1}
        build(copy, tmp)
        assert rows(copy, confidence)[-1] == ("5a1b0d2f-0006", "low", "text")


# every incremental model downstream of the ledgers' fills, with its key columns
INCREMENTAL = {
    "core.fills": "venue, account, fill_id",
    "intermediate.int_fill_pnl": "venue, account, fill_id",
    "intermediate.int_position_resolutions": "venue, account, market_id, outcome",
    "marts.daily_performance": "day, venue, account",
    "marts.trade_attribution": "venue, account, fill_id",
    "core.wallet_events": "event_id",
    "intermediate.int_wallet_trade_features": "event_id",
    "marts.wallet_scores": "wallet, scored_at",
    "core.market_history": "venue, market_id, outcome, valid_from",
    "core.price_history": "venue, market_id, outcome, ts",
}


def snapshot(url: str) -> dict[str, list[tuple]]:
    return {rel: rows(url, f"select * from {rel} order by {k}") for rel, k in INCREMENTAL.items()}


def test_incremental_run_equals_full_refresh(demo_db, pg_admin_url: str) -> None:
    _, tmp, _ = demo_db
    with database_copy(pg_admin_url, demo_db[2], "incr") as url:
        # a new fill arrives: the PHI position is sold on 2026-11-22 (after the first build)
        with psycopg.connect(url) as conn:
            conn.execute(
                "insert into ledger.kalshi_fills (account, fill_id, order_id, ticker, outcome, "
                "side, price, quantity, fee, executed_at, record_hash) values (%s, 'new-fill', "
                "'o-new', 'KXNFLGAME-26NOV22PHILAR-PHI', 'yes', 'sell', 0.6125, 15, 0.15, "
                "'2026-11-22 20:00+00', 'test')",
                (KALSHI,),
            )
        build(url, tmp)  # incremental
        marts = ("daily_performance", "trade_attribution", "wallet_scores")
        incremental = {m: rows(url, f"select * from marts.{m} order by 1, 2, 3") for m in marts}
        # 15 x (0.6125 - 0.5325) = 1.2 realised on the new day, fee 0.15: net 1.05
        new_day = [r for r in incremental["daily_performance"] if str(r[0]) == "2026-11-22"]
        assert [(r[3], r[6], r[7]) for r in new_day] == [(1, Decimal("1.2"), Decimal("1.05"))]
        build(url, tmp, "--full-refresh")
        for mart in marts:
            assert rows(url, f"select * from marts.{mart} order by 1, 2, 3") == incremental[mart]


def test_backfilled_old_fill_corrects_later_fills_incrementally(demo_db, pg_admin_url) -> None:
    # A fill executed weeks before the newest one arrives late (a backfill): older than every
    # look-back in days, it is found by its arrival time (loaded_at) instead.
    _, tmp, _ = demo_db
    with database_copy(pg_admin_url, demo_db[2], "backfill") as url:
        with psycopg.connect(url) as conn:
            # the KC YES position: bought 5 @ 0.485 on 2026-11-14, sold 2 @ 0.71 on 11-15
            (ticker,) = conn.execute(
                "select ticker from ledger.kalshi_fills where side = 'buy' "
                "and executed_at::date = '2026-11-14'"
            ).fetchone()
            conn.execute(
                "insert into ledger.kalshi_fills (account, fill_id, order_id, ticker, outcome, "
                "side, price, quantity, fee, executed_at, record_hash) values (%s, 'late-fill', "
                "'o-late', %s, 'yes', 'buy', 0.285, 5, 0.05, '2026-11-01 12:00+00', 'test')",
                (KALSHI, ticker),
            )
            # and a Polymarket buy of 50 Bills @ 0.40 on 2025-11-21, before the market resolved
            conn.execute(
                "insert into ledger.polymarket_fills (account, fill_id, tx_hash, condition_id, "
                "token_id, outcome_label, side, price, size, notional, executed_at, "
                "record_hash) select account, 'late-fill', '0xlate', condition_id, token_id, "
                "outcome_label, 'buy', 0.40, 50, 20, '2025-11-21 12:00+00', 'test' "
                "from ledger.polymarket_fills where side = 'buy' and size = 250"
            )
            # the whale's late trade (100 Bills @ 0.55 on 2025-11-21 12:00), and the history of
            # a wallet tracked from now on, which starts with the same Bills buy as the whale's
            for wallet, key, size, at in (
                (WHALE, "late-trade", 100, "2025-11-21 12:00+00"),
                (NEW_WALLET, "first-trade", 1000, "2025-11-20 16:00:05+00"),
            ):
                conn.execute(
                    "insert into ledger.polymarket_wallet_activity (wallet, event_key, "
                    "activity_type, tx_hash, condition_id, asset, outcome_label, outcome_index, "
                    "side, size, usdc_size, price, title, event_slug, seen_via, occurred_at, "
                    "record_hash) select %s, %s, activity_type, tx_hash, condition_id, asset, "
                    "outcome_label, outcome_index, side, %s, %s * price, price, title, "
                    "event_slug, seen_via, %s, 'test' from ledger.polymarket_wallet_activity "
                    "where wallet = %s and activity_type = 'TRADE' and size = 1000",
                    (wallet, key, size, size, at, WHALE),
                )
            # an observation of the KC market arrives out of order: one second after its first
            # one, at a price it never showed (a new version in the middle of its history)
            late_observation(conn, ticker)
        build(url, tmp)  # incremental
        incremental = snapshot(url)
        # average entry (5 x 0.285 + 5 x 0.485) / 10 = 0.385: the 11-15 sale now realises
        # 2 x (0.71 - 0.385) = 0.65 (was 0.45), net of its 0.03 fee 0.62; the late buy's own
        # day: 1 fill, volume 5 x 0.285 = 1.425, fee 0.05, realised 0, net -0.05
        days = rows(
            url,
            "select day::text, fills, volume, fees, realized_pnl, net_pnl "
            "from marts.daily_performance where venue = 'kalshi' "
            "and day in ('2026-11-01', '2026-11-15') order by day",
        )
        assert days == [
            ("2026-11-01", 1, Decimal("1.425"), Decimal("0.05"), Decimal(0), Decimal("-0.05")),
            ("2026-11-15", 1, Decimal("1.42"), Decimal("0.03"), Decimal("0.65"), Decimal("0.62")),
        ]
        # Bills now held 300 at cost 140 + 20 = 160: resolves to 300 - 160 = 140 (was 110), so
        # 2025-11-23 realises 7 + 140 + 41.86 = 188.86; the buy's own day (also that of the
        # 250 @ 0.56 = 140) now has 2 fills, volume 160
        polymarket = rows(
            url,
            "select day::text, fills, volume, resolution_pnl, net_pnl from marts.daily_performance "
            "where venue = 'polymarket' and day in ('2025-11-21', '2025-11-23') order by day",
        )
        assert polymarket == [
            ("2025-11-21", 2, Decimal(160), Decimal(0), Decimal(0)),
            ("2025-11-23", 2, Decimal("90.64"), Decimal("181.86"), Decimal("188.86")),
        ]
        assert rows(
            url,
            "select venue from marts.trade_attribution where fill_id = 'late-fill' order by 1",
        ) == [("kalshi",), ("polymarket",)]
        # the whale's window ending 2025-11-22 00:00 now holds the late trade: 100 x 0.55 = 55;
        # the new wallet is scored from its first window on, as a full build would
        assert rows(
            url,
            "select trades_24h, volume_24h_usd from marts.wallet_scores "
            "where wallet = %s and scored_at = '2025-11-22 00:00+00'",
            WHALE,
        ) == [(1, Decimal(55))]
        assert rows(
            url, "select min(scored_at) from marts.wallet_scores where wallet = %s", NEW_WALLET
        ) == [(datetime(2025, 11, 20, 20, tzinfo=UTC),)]
        versions = rows(
            url,
            "select valid_from - (select min(valid_from) from core.market_history "
            "where market_id = %s) from core.market_history "
            "where market_id = %s and outcome = 'yes' and price = 0.123",
            ticker,
            ticker,
        )
        assert versions == [(timedelta(seconds=1),)]
        build(url, tmp, "--full-refresh")
        assert snapshot(url) == incremental


def late_observation(conn: psycopg.Connection, ticker: str) -> None:
    """A copy of the market's first observation, one second later, with last price 0.123."""
    columns = [
        c
        for (c,) in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'ledger' "
            "and table_name = 'kalshi_market_observations' "
            "and column_name not in ('page_id', 'loaded_at') order by ordinal_position"
        ).fetchall()
    ]
    changed = {
        "last_price": "0.123",
        "observed_at": "observed_at + interval '1 second'",
        "record_hash": "'test'",
    }
    values = ", ".join(changed.get(c, c) for c in columns)
    conn.execute(
        f"insert into ledger.kalshi_market_observations ({', '.join(columns)}) "
        f"select {values} from ledger.kalshi_market_observations where ticker = %s "
        "order by observed_at limit 1",
        (ticker,),
    )


DEN = "KXNFLGAME-26NOV15KCDEN-DEN"  # resolved NO on 2026-11-15 23:55; no own position in the demo
DAY_VS_WINDOWS = """
with days as (
    select day, venue, sum(fills) as fills, sum(volume) as volume, sum(fees) as fees,
        sum(settlement_pnl) as settlement_pnl, sum(resolution_pnl) as resolution_pnl,
        sum(net_pnl) as net_pnl
    from marts.daily_performance group by 1, 2
),
windows as (
    select (period_start at time zone 'UTC')::date as day, venue, sum(fills) as fills,
        sum(volume) as volume, sum(fees) as fees, sum(settlement_pnl) as settlement_pnl,
        sum(resolution_pnl) as resolution_pnl, sum(net_pnl) as net_pnl
    from intermediate.int_report_window_pnl group by 1, 2
)
select coalesce(d.day, w.day)::text, coalesce(d.venue, w.venue), d.net_pnl, w.net_pnl
from days d full join windows w on d.day = w.day and d.venue = w.venue
where (d.fills, d.volume, d.fees, d.settlement_pnl, d.resolution_pnl, d.net_pnl)
    is distinct from (w.fills, w.volume, w.fees, w.settlement_pnl, w.resolution_pnl, w.net_pnl)
"""


def test_a_late_settlement_replaces_the_resolution_in_days_and_windows(
    demo_db, pg_admin_url: str
) -> None:
    """Issue #18 part 2: one set of PnL rules (int_pnl_events). A Kalshi position resolves
    before its venue settlement arrives; when the settlement arrives (incremental run, the
    resolution's day long outside the look-back), it replaces the resolution in the days and in
    the 4h windows alike, and every day equals the sum of its six windows."""
    _, tmp, _ = demo_db

    def build_with_windows(url: str, *extra: str) -> None:
        done = dbt(
            url,
            tmp,
            "build",
            "--select",
            *PERFORMANCE_MARTS.split(),
            "+int_report_window_pnl",
            "--indirect-selection",
            "cautious",
            *extra,
            vars_=SCORES_AS_OF,
        )
        assert done.returncode == 0, done.stdout[-6000:]

    def kalshi_days(url: str) -> list[tuple]:
        return rows(
            url,
            "select day::text, settlements, settlement_pnl, resolved_positions, resolution_pnl, "
            "net_pnl from marts.daily_performance where venue = 'kalshi' "
            "and day in ('2026-11-15', '2026-11-16') order by day",
        )

    with database_copy(pg_admin_url, demo_db[2], "late_settlement") as url:
        with psycopg.connect(url) as conn:  # 4 NO @ 0.40 (fee 0.04) before the game
            conn.execute(
                "insert into ledger.kalshi_fills (account, fill_id, order_id, ticker, outcome, "
                "side, price, quantity, fee, executed_at, record_hash) values (%s, 'den-no', "
                "'o-den', %s, 'no', 'buy', 0.40, 4, 0.04, '2026-11-15 18:00+00', 'test')",
                (KALSHI, DEN),
            )
        build_with_windows(url)
        # the market resolved NO: 4 x 1 - 1.60 = 2.40 on 11-15 (net of the 0.04 fee and the
        # day's other fill, 0.45 - 0.03); 11-16 has the KC settlement, 3 - 1.455 = 1.545
        assert kalshi_days(url) == [
            ("2026-11-15", 0, Decimal(0), 1, Decimal("2.4"), Decimal("2.78")),
            ("2026-11-16", 1, Decimal("1.545"), 0, Decimal(0), Decimal("1.545")),
        ]
        assert rows(url, DAY_VS_WINDOWS) == []

        with psycopg.connect(url) as conn:  # the venue's settlement arrives a day later
            conn.execute(
                "insert into ledger.kalshi_settlements (account, ticker, event_ticker, result, "
                "yes_quantity, no_quantity, yes_cost, no_cost, revenue, fee, "
                "yes_settlement_value, settled_at, record_hash) values (%s, %s, "
                "'KXNFLGAME-26NOV15KCDEN', 'no', 0, 4, 0, 1.60, 4, 0, 0, "
                "'2026-11-16 08:00+00', 'test')",
                (KALSHI, DEN),
            )
        build_with_windows(url)  # incremental
        # 11-15 keeps only its fills (0.45 - 0.03 - 0.04 = 0.38); the DEN PnL, 4 - 1.60 = 2.40,
        # moves to the settlement's day: 1.545 + 2.40 = 3.945
        assert kalshi_days(url) == [
            ("2026-11-15", 0, Decimal(0), 0, Decimal(0), Decimal("0.38")),
            ("2026-11-16", 2, Decimal("3.945"), 0, Decimal(0), Decimal("3.945")),
        ]
        assert rows(url, DAY_VS_WINDOWS) == []
        incremental = rows(url, "select * from marts.daily_performance order by 1, 2, 3")
        build_with_windows(url, "--full-refresh")
        assert rows(url, "select * from marts.daily_performance order by 1, 2, 3") == incremental
