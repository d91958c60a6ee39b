"""Etherscan test helpers: the demo-like config and a SyncContext replaying our fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import stamina

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WHALE = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ENV = {"ETHERSCAN_API_KEY": "TESTKEY-etherscan-123"}

CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "wallets": [{"address": WHALE, "label": "whale-1", "polymarket": True, "evm_chains": [1, 137]}],
}
# tests/fixtures/etherscan/*42161* are recorded with offset=2 in a 4-record window
PAGING_CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "wallets": [{"address": WHALE, "label": "whale-1", "evm_chains": [42161]}],
}
PAGING = {"offset": 2, "window": 4}


@pytest.fixture(autouse=True)
def _no_retry_sleep():
    """Retries still happen (and are counted), only stamina's backoff sleeps are skipped."""
    stamina.set_testing(True, attempts=6)
    yield
    stamina.set_testing(False)


@pytest.fixture
def es_ctx(sync_context):
    """A SyncContext on a fresh database replaying tests/fixtures/etherscan, clock fixed."""

    def make(config=None, env=None, **kw):
        return sync_context(
            config or CONFIG,
            env=ENV if env is None else env,
            replay_dir=FIXTURES,
            now=lambda: NOW,
            **kw,
        )

    return make
