"""Migration 0101: the Kalshi ledgers exist and refuse UPDATE/DELETE/TRUNCATE."""

from __future__ import annotations

import psycopg
import pytest

from ingestion.kalshi.sync import (
    sync_balance,
    sync_fills,
    sync_markets,
    sync_positions,
    sync_settlements,
)

TABLES = (
    "kalshi_market_observations",
    "kalshi_fills",
    "kalshi_settlements",
    "kalshi_position_observations",
    "kalshi_balance_observations",
)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", ["update {t} set loaded_at = now()", "delete from {t}",
                                       "truncate {t}"])  # fmt: skip
def test_ledgers_are_append_only(kalshi_ctx, db_url, table, statement):
    ctx = kalshi_ctx()
    for fn in (sync_markets, sync_fills, sync_settlements, sync_positions, sync_balance):
        fn(ctx)
    with psycopg.connect(db_url) as conn:
        assert conn.execute(f"select count(*) from ledger.{table}").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement.format(t=f"ledger.{table}"))


def test_demo_replay_path(sync_context, db_url, key_file):
    """The demo path: plain ReplayTransport over tests/fixtures (as `tradelake demo` runs it)."""
    from tests.kalshi.conftest import CONFIG

    env = {"KALSHI_API_KEY_ID": "demo-kalshi-key-id", "KALSHI_PRIVATE_KEY_PATH": str(key_file)}
    ctx = sync_context(config=CONFIG, env=env)
    assert sync_fills(ctx).inserted == 6
    assert sync_markets(ctx).inserted == 8
