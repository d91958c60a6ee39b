"""Polymarket test helpers: the demo-like config and a SyncContext replaying our fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OWN = "0x6af75d4e4aaf700450efbac3708cce1665810ff1"
WHALE = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "markets": {"polymarket": {"slugs": ["nfl-kc-buf-2025-11-23"], "tag_ids": []}},
    "accounts": {"polymarket": {"addresses": [OWN]}},
    "wallets": [{"address": WHALE, "label": "whale-1", "polymarket": True}],
}


@pytest.fixture
def pm_ctx(sync_context):
    """A SyncContext on a fresh database replaying tests/fixtures/polymarket, clock fixed."""

    def make(config=None, **kw):
        return sync_context(config or CONFIG, replay_dir=FIXTURES, now=lambda: NOW, **kw)

    return make
