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
    return db_url
