"""OKX test helpers: the demo-like config, credentials, a fixed clock and the verifying fake."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.okx.fake_api import FakeOkx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OKX_FIXTURES = FIXTURES / "okx"
RECORDINGS = Path(__file__).resolve().parent / "recordings"  # test-only answers (errors)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
UID = "7104638259104736512"
ENV = {
    "OKX_API_KEY": "test-okx-key",
    "OKX_API_SECRET": "test-okx-secret",
    "OKX_API_PASSPHRASE": "test-okx-passphrase",
}
CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "accounts": {"okx": {"enabled": True, "inst_types": ["SPOT", "SWAP"]}},
}


@pytest.fixture
def okx_ctx(sync_context):
    """A SyncContext on a fresh database replaying tests/fixtures (okx), clock fixed at NOW."""

    def make(config=None, env=None, **kw):
        return sync_context(
            config or CONFIG, env=ENV if env is None else env, now=lambda: NOW, **kw
        )

    return make


@pytest.fixture
def fake() -> FakeOkx:
    return FakeOkx(ENV["OKX_API_KEY"], ENV["OKX_API_SECRET"], ENV["OKX_API_PASSPHRASE"], now=NOW)


@pytest.fixture
def fake_ctx(okx_ctx, fake, monkeypatch):
    """A SyncContext whose OKX transport is the verifying fake."""

    def make(config=None, env=None):
        ctx = okx_ctx(config, env)
        transport = fake.transport()
        monkeypatch.setattr(ctx, "transport", lambda source: transport)
        return ctx

    return make
