"""Hyperliquid test helpers: the demo-like config and a SyncContext replaying our fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OWN = "0x8c5a3f1e2b4d6c7a9e0f1a2b3c4d5e6f7a8b9c0d"
WHALE = "0xb1e5a9c3d7f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "accounts": {"hyperliquid": {"addresses": [OWN]}},
    "wallets": [{"address": WHALE, "label": "hl-whale", "hyperliquid": True}],
}


@pytest.fixture
def hl_ctx(sync_context):
    """A SyncContext on a fresh database replaying tests/fixtures/hyperliquid, clock fixed."""

    def make(config=None, **kw):
        return sync_context(config or CONFIG, replay_dir=FIXTURES, now=lambda: NOW, **kw)

    return make
