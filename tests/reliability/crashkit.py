"""Loaders as a killable process, and the ledger fingerprint crash tests compare.

`python -m tests.reliability.crashkit` runs every source's streams once (the demo's config and
recorded responses, DATABASE_URL), in the order the Dagster assets run them, without Dagster:
a process that starts in a second, so tests and benchmarks/crash.py can `kill -9` it at many
points affordably. The ledger code it runs is exactly what `tradelake materialize` runs.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def streams():
    from ingestion.espn.sync import sync_games
    from ingestion.etherscan.sync import sync_token_transfers, sync_transactions
    from ingestion.hyperliquid.asset_contexts import sync_asset_contexts as hl_asset_contexts
    from ingestion.hyperliquid.sync import sync_accounts as hl_accounts
    from ingestion.hyperliquid.sync import sync_candles as hl_candles
    from ingestion.hyperliquid.sync import sync_fills as hl_fills
    from ingestion.hyperliquid.sync import sync_funding as hl_funding
    from ingestion.hyperliquid.sync import sync_orders as hl_orders
    from ingestion.hyperliquid.sync import sync_positions as hl_positions
    from ingestion.hyperliquid.sync import sync_wallet_equity, sync_wallet_fills
    from ingestion.kalshi import events as kalshi_events
    from ingestion.kalshi import sync as kalshi
    from ingestion.okx import account as okx_account
    from ingestion.okx import market as okx_market
    from ingestion.okx.sync import sync_fills as okx_fills
    from ingestion.okx.sync import sync_instruments
    from ingestion.polymarket import sync as polymarket

    return [
        ("kalshi", "series", kalshi_events.sync_series),
        ("kalshi", "events", kalshi_events.sync_events),
        ("kalshi", "markets", kalshi.sync_markets),
        ("kalshi", "fills", kalshi.sync_fills),
        ("kalshi", "orders", kalshi.sync_orders),
        ("kalshi", "settlements", kalshi.sync_settlements),
        ("kalshi", "positions", kalshi.sync_positions),
        ("kalshi", "balance", kalshi.sync_balance),
        ("polymarket", "markets", polymarket.sync_markets),
        ("polymarket", "prices", polymarket.sync_prices),
        ("polymarket", "fills", polymarket.sync_fills),
        ("polymarket", "wallet_activity", polymarket.sync_wallet_activity),
        ("polymarket", "wallet_value", polymarket.sync_wallet_value),
        ("okx", "instruments", sync_instruments),
        ("okx", "fills", okx_fills),
        ("okx", "candles", okx_market.sync_candles),
        ("okx", "tickers", okx_market.sync_tickers),
        ("okx", "positions", okx_account.sync_positions),
        ("okx", "balances", okx_account.sync_balances),
        ("okx", "funding", okx_account.sync_funding),
        ("okx", "orders", okx_account.sync_orders),
        ("hyperliquid", "fills", hl_fills),
        ("hyperliquid", "orders", hl_orders),
        ("hyperliquid", "wallet_fills", sync_wallet_fills),
        ("hyperliquid", "wallet_equity", sync_wallet_equity),
        ("hyperliquid", "candles", hl_candles),
        ("hyperliquid", "asset_contexts", hl_asset_contexts),
        ("hyperliquid", "positions", hl_positions),
        ("hyperliquid", "accounts", hl_accounts),
        ("hyperliquid", "funding", hl_funding),
        ("etherscan", "transactions", sync_transactions),
        ("etherscan", "token_transfers", sync_token_transfers),
        ("espn", "games", sync_games),
    ]


def demo_env(home: Path) -> dict[str, str]:
    from tradelake_cli.demo import demo_environment

    return demo_environment(home)


def run_all(url: str, sources: tuple[str, ...] | None = None) -> None:
    """Every stream once, as the ledger assets run them (through run_stream)."""
    from ingestion.settings import load_settings
    from ingestion.sync import SyncContext, run_stream

    for source, stream, fn in streams():
        if sources and source not in sources:
            continue
        ctx = SyncContext(
            settings=load_settings(),
            database_url=url,
            replay_dir=FIXTURES,
            log=logging.getLogger("crashkit"),
        )
        try:
            run_stream(ctx, source, stream, fn)
        finally:
            ctx.close()


def fingerprint(url: str) -> dict[str, tuple[int, list[str]]]:
    """Per ledger table: row count and sorted record_hash list (loaded_at/page_id left out)."""
    with psycopg.connect(url) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'ledger' and table_type = 'BASE TABLE' order by 1"
            )
        ]
        result = {}
        for t in tables:
            hashes = [
                h for (h,) in conn.execute(f'select record_hash from ledger."{t}" order by 1')
            ]
            result[t] = (len(hashes), hashes)
    return result


def compare(reference: dict, other: dict) -> tuple[int, int]:
    """(rows lost, rows duplicated or extra) of `other` against `reference`."""
    from collections import Counter

    lost = extra = 0
    for table in set(reference) | set(other):
        ref = Counter(reference.get(table, (0, []))[1])
        got = Counter(other.get(table, (0, []))[1])
        lost += sum((ref - got).values())
        extra += sum((got - ref).values())
    return lost, extra


def main() -> None:
    sources = tuple(s for s in os.environ.get("CRASHKIT_SOURCES", "").split(",") if s) or None
    run_all(os.environ["DATABASE_URL"], sources)


if __name__ == "__main__":
    main()
