"""Hourly marts (issue 13): full build vs one new hour of marts.market_states and
marts.account_equity at a year's scale. Target: an hourly refresh under 10 % of the full build.

    uv run python benchmarks/market_states.py [--instruments 20] [--days 365] [--accounts 4]

Creates a throwaway database (on DATABASE_URL's server, or an embedded PostgreSQL) and fills:
- ledger.hyperliquid_candles with a year of closed hourly candles for 20 coins (175,200 rows, the
  shape of benchmarks/candles.py), each arriving 5 minutes after its close (`loaded_at`);
- for each of a few own accounts, an account summary every hour (ledger
  hyperliquid_account_observations), a position in two of the coins observed every hour
  (hyperliquid_position_observations) and an hourly funding payment on each
  (hyperliquid_funding), so marts.account_equity has a year of hours per account.

Then `dbt run --select +market_states +account_equity --full-refresh`; one new hour appended (a
candle per coin, an observation per account and position, its funding); a plain `dbt run`.
Prints each model's own time from dbt's run_results.json. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from benchmarks.incremental import admin_database, dbt_timed, fresh_database, release_database
from ingestion.schema import migrate

T0 = datetime(2025, 11, 1, tzinfo=UTC)
DELAY = timedelta(minutes=5)
SELECT = "+market_states +account_equity"
REPORTED = ("candles", "market_states", "account_equity", "funding_payments")

# Candle h of coin k: a deterministic walk of ±1 % a step (benchmarks/candles.py), a volume
# that dries up for a day now and then, and a drop every 500 hours: every state occurs.
CANDLES_SQL = """
insert into ledger.hyperliquid_candles (coin, interval, open_time, close_time, open, high, low,
    close, volume, trades, is_closed, observed_at, record_hash, loaded_at)
select 'COIN' || lpad(k::text, 2, '0'), '1h', t, t + interval '1 hour' - interval '1 ms',
       p.price, round(greatest(p.price, p.next) * 1.002, 4),
       round(least(p.price, p.next) * 0.998, 4), p.next,
       case when (h + 37 * k) %% 400 < 30 then 3.5 else ((h * 31 + k) %% 5000) + 1000.5 end,
       (h * 13 + k) %% 900, true, t + interval '1 hour' + interval '1 minute', md5(k || '-' || h),
       t + interval '1 hour' + %(delay)s::interval
from generate_series(0, %(instruments)s::int - 1) as k
cross join generate_series(%(first)s::int, %(last)s::int) as h
cross join lateral (select %(t0)s::timestamptz + h * interval '1 hour' as t) as ts
cross join lateral (
    select
        round(((100 + 37 * k) * (1 + sin(h / 300.0 + k) / 5))::numeric, 4) as price,
        round(((100 + 37 * k) * (1 + sin((h + 1) / 300.0 + k) / 5))::numeric
            * (1 + ((h * 7919 + k * 104729) %% 201 - 100) / 10000.0)
            * case when (h + 11 * k) %% 500 = 250 then 0.93 else 1 end, 4) as next
) as p
"""

ACCOUNTS_SQL = """
insert into ledger.hyperliquid_account_observations (account, account_value, unrealized_pnl,
    total_ntl_pos, total_margin_used, withdrawable, observed_at, record_hash, loaded_at)
select '0x' || lpad(to_hex(1000 + a), 40, '0'), 10000 + (h %% 1000) + a, (h %% 200) - 100,
       5000, 500, 9000, %(t0)s::timestamptz + h * interval '1 hour' + interval '30 minutes',
       md5('a' || a || '-' || h),
       %(t0)s::timestamptz + h * interval '1 hour' + interval '30 minutes' + %(delay)s::interval
from generate_series(0, %(accounts)s::int - 1) as a
cross join generate_series(%(first)s::int, %(last)s::int) as h
"""

POSITIONS_SQL = """
insert into ledger.hyperliquid_position_observations (account, coin, szi, entry_px,
    position_value, unrealized_pnl, leverage_type, leverage, margin_used,
    cum_funding_since_open, observed_at, record_hash, loaded_at)
select '0x' || lpad(to_hex(1000 + a), 40, '0'),
       'COIN' || lpad(((a + j) %% %(instruments)s::int)::text, 2, '0'),
       case when j = 0 then 2 else -1 end * (1 + h %% 3),
       100 + 37 * ((a + j) %% %(instruments)s::int),
       1000, (h %% 50) - 25, 'cross', 5, 200, 1,
       %(t0)s::timestamptz + h * interval '1 hour' + interval '30 minutes',
       md5('p' || a || '-' || j || '-' || h),
       %(t0)s::timestamptz + h * interval '1 hour' + interval '30 minutes' + %(delay)s::interval
from generate_series(0, %(accounts)s::int - 1) as a
cross join generate_series(0, 1) as j
cross join generate_series(%(first)s::int, %(last)s::int) as h
"""

FUNDING_SQL = """
insert into ledger.hyperliquid_funding (account, coin, paid_at, usdc, szi, funding_rate,
    record_hash, loaded_at)
select '0x' || lpad(to_hex(1000 + a), 40, '0'),
       'COIN' || lpad(((a + j) %% %(instruments)s::int)::text, 2, '0'),
       %(t0)s::timestamptz + h * interval '1 hour', -0.01 * (1 + h %% 3), 1, 0.0000125,
       md5('f' || a || '-' || j || '-' || h),
       %(t0)s::timestamptz + h * interval '1 hour' + %(delay)s::interval
from generate_series(0, %(accounts)s::int - 1) as a
cross join generate_series(0, 1) as j
cross join generate_series(%(first)s::int, %(last)s::int) as h
"""


def append_hours(conn: psycopg.Connection, params: dict, first: int, last: int) -> None:
    hours = {**params, "first": first, "last": last}
    for sql in (CANDLES_SQL, ACCOUNTS_SQL, POSITIONS_SQL, FUNDING_SQL):
        conn.execute(sql, hours)
    conn.commit()


def dbt_run(
    url: str, work: Path, until: datetime, *extra: str, select: str = SELECT
) -> tuple[float, dict, dict]:
    wall, results = dbt_timed(
        url, work, "run", select, {"account_equity_until": until.isoformat()}, *extra
    )
    seconds = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}
    rows = {
        r["unique_id"].split(".")[-1]: r.get("adapter_response", {}).get("rows_affected")
        for r in results
    }
    return wall, seconds, rows


def table_hash(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select md5(string_agg(t::text, '|' order by venue, instrument, candle_open_time)) "
            "from marts.market_states as t"
        ).fetchone()[0]


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            name: conn.execute(f"select count(*) from {name}").fetchone()[0]
            for name in ("core.candles", "marts.market_states", "marts.account_equity")
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instruments", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument(
        "--check",
        action="store_true",
        help="then rebuild market_states with --full-refresh and compare it with the incremental",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    args = parser.parse_args()
    admin, server = admin_database(keep=args.keep)
    url = fresh_database(admin, "tl_bench_market_states")
    migrate(url)
    work = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    hours = args.days * 24
    params = {
        "instruments": args.instruments,
        "accounts": args.accounts,
        "t0": T0,
        "delay": DELAY,
    }
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        append_hours(conn, params, 0, hours - 1)
        conn.execute("analyze")
    print(
        f"synthetic year: {hours * args.instruments:,} candles ({args.instruments} coins x "
        f"{hours:,} hours), {args.accounts} accounts x {hours:,} hours of summaries, "
        f"2 positions and their funding each ({time.perf_counter() - started:.1f} s to generate)"
    )
    end = T0 + timedelta(hours=hours)  # the hour after the last candle's
    full_wall, full, _ = dbt_run(url, work, end - timedelta(hours=1), "--full-refresh")
    full_counts = counts(url)
    with psycopg.connect(url) as conn:
        append_hours(conn, params, hours, hours)
    incr_wall, incr, incr_rows = dbt_run(url, work, end)
    incr_counts = counts(url)
    print(f"after the full build: {full_counts}")
    print(f"after the new hour:   {incr_counts}")
    print(f"{'model (dbt seconds)':28s} {'full':>9s} {'+1 hour':>9s} {'ratio':>7s} {'rows':>9s}")
    for model in sorted(full, key=lambda m: -full[m]):
        if full[model] >= 0.1 or model in REPORTED:
            ratio = incr[model] / full[model] if full[model] else float("nan")
            print(
                f"{model:28s} {full[model]:9.2f} {incr[model]:9.2f} {ratio:7.1%} "
                f"{incr_rows.get(model) or '':>9}"
            )
    print(f"{'dbt run wall time':28s} {full_wall:9.2f} {incr_wall:9.2f}")
    if args.check:
        incremental = table_hash(url)
        dbt_run(url, work, end, "--full-refresh", select="market_states")
        same = table_hash(url) == incremental
        print(
            "market_states after the incremental run "
            f"{'equals' if same else 'DIFFERS FROM'} a full refresh (every column)"
        )
    release_database(admin, "tl_bench_market_states", server, url, keep=args.keep)


if __name__ == "__main__":
    main()
