"""Fixtures of the foundation tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def loaded_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The migrated test database with every stream of the demo loaded from the fixtures."""
    from tests.reliability.crashkit import run_all
    from tradelake_cli.demo import demo_environment

    for key, value in demo_environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    run_all(db_url)
    start_a_challenge(db_url)
    return db_url


def start_a_challenge(url: str) -> None:
    """A challenge's first events, appended by the evaluator's own store (the challenge ledger
    is written there, not by a source sync): so that ledger holds rows too."""
    from datetime import UTC, datetime
    from decimal import Decimal

    import psycopg

    from challenges.evaluator import evaluate
    from challenges.model import Rules
    from challenges.store import append

    start = datetime(2026, 11, 10, tzinfo=UTC)
    rules = Rules("fixture", "okx", "acct", Decimal(1000), Decimal(5), Decimal(2), Decimal(4),
                  1, 30, start)  # fmt: skip
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into ref.challenges (challenge_id, venue, account, initial_balance, "
            "profit_target_pct, max_daily_drawdown_pct, max_total_drawdown_pct, "
            "min_trading_days, max_days, started_at) values "
            "('fixture', 'okx', 'acct', 1000, 5, 2, 4, 1, 30, %s)",
            (start,),
        )
        conn.commit()
        for group in evaluate(rules, [], [], [], start):
            append(conn, group)
