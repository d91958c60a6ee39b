"""The demo dataset in a test database: every prediction-market stream synced from the recorded
fixtures with the demo config, the demo reference data, then a real `dbt build` of the
performance marts and everything upstream of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from ingestion.espn import sync as espn
from ingestion.kalshi import sync as kalshi
from ingestion.polymarket import sync as polymarket
from ingestion.ref_data import load_ref_dir
from ingestion.settings import parse_config
from tests.dbt_runner import dbt  # noqa: F401  (re-exported for the analytics tests)

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "demo" / "tradelake.yaml"
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
PERFORMANCE_MARTS = (
    "+daily_performance +trade_attribution +strategy_version_comparison +wallet_scores"
)

STREAMS = (
    kalshi.sync_markets,
    kalshi.sync_fills,
    kalshi.sync_orders,
    kalshi.sync_settlements,
    kalshi.sync_positions,
    polymarket.sync_markets,
    polymarket.sync_prices,
    polymarket.sync_fills,
    polymarket.sync_wallet_activity,
    espn.sync_games,
)


@contextmanager
def database_copy(pg_admin_url: str, name: str, suffix: str) -> Iterator[str]:
    """A copy of a built demo database, dropped afterwards: a test that changes data works on
    it, so that the module's other tests keep seeing the demo data whatever the order."""
    from tests.conftest import _with_db

    copy = f"{name}_{suffix}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{copy}" template "{name}"')
    try:
        yield _with_db(pg_admin_url, copy)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{copy}" with (force)')


def demo_database(pg_admin_url: str, template_db: str, name: str, tmp: Path) -> str:
    """A fresh database from the migrated template with the demo streams synced into it."""
    from ingestion.sync import SyncContext
    from tests.conftest import _with_db, make_settings
    from tradelake_cli.demo import demo_environment

    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{template_db}"')
    url = _with_db(pg_admin_url, name)
    key_file = Path(demo_environment(tmp)["KALSHI_PRIVATE_KEY_PATH"])
    made: list[SyncContext] = []

    def factory(config, env=None, **kw) -> SyncContext:
        ctx = SyncContext(
            settings=make_settings(config, env, tmp),
            database_url=url,
            replay_dir=ROOT / "tests" / "fixtures",
            **kw,
        )
        made.append(ctx)
        return ctx

    sync_demo(factory, key_file)
    for ctx in made:
        ctx.close()
    return url


def sync_demo(sync_context, key_file: Path) -> None:
    config = parse_config(DEMO_CONFIG.read_text(), origin=str(DEMO_CONFIG))
    env = {"KALSHI_API_KEY_ID": "demo-kalshi-key-id", "KALSHI_PRIVATE_KEY_PATH": str(key_file)}
    ctx = sync_context(config, env=env, now=lambda: NOW)
    for stream in STREAMS:
        stream(ctx)
    with psycopg.connect(ctx.database_url) as conn:
        load_ref_dir(conn, ROOT / "demo" / "ref")
