"""Kalshi test helpers: config, credentials and an in-process fake Kalshi that verifies every
signed request with the public key (the way the docs describe) and can answer 429."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ingestion.http.replay import ReplayTransport
from ingestion.kalshi.auth import KEY_HEADER, verify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KALSHI_FIXTURES = FIXTURES / "kalshi"
KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"
CONFIG = {
    "sync_start": "2025-11-01T00:00:00Z",
    "markets": {"kalshi": {"series": ["KXNFLGAME"]}},
    "accounts": {"kalshi": {"enabled": True}},
}


@pytest.fixture(scope="session")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_file(private_key, tmp_path) -> Path:
    path = tmp_path / "kalshi.key"
    path.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
def env(key_file) -> dict[str, str]:
    return {"KALSHI_API_KEY_ID": KEY_ID, "KALSHI_PRIVATE_KEY_PATH": str(key_file)}


class FakeKalshi(httpx.BaseTransport):
    """Serves the recorded fixtures; portfolio and historical-fills requests must carry a valid
    RSA-PSS signature over timestamp + METHOD + path (no query), else 401 as Kalshi does.
    `rate_limit_first` answers that many requests with the documented 429 body first."""

    def __init__(
        self,
        public_key: rsa.RSAPublicKey,
        rate_limit_first: int = 0,
        keys: dict[str, rsa.RSAPublicKey] | None = None,
    ) -> None:
        self.replay = ReplayTransport.from_dir(KALSHI_FIXTURES)
        self.public_key = public_key
        # API keys of the one account (key id -> public key): a rotated key is a second entry
        self.keys = keys or {KEY_ID: public_key}
        self.rate_limit_left = rate_limit_first
        self.requests: list[httpx.Request] = []
        self.rejected: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.rate_limit_left > 0:
            self.rate_limit_left -= 1
            # https://docs.kalshi.com/getting_started/rate_limits: no Retry-After header
            return httpx.Response(429, json={"error": "too many requests"}, request=request)
        path = request.url.path
        if path.startswith(
            (
                "/trade-api/v2/portfolio",
                "/trade-api/v2/historical/fills",
                "/trade-api/v2/historical/orders",
            )
        ):
            try:
                key = self.keys.get(request.headers.get(KEY_HEADER, ""))
                if key is None:
                    raise InvalidSignature("wrong key id")
                verify(key, request)
            except (InvalidSignature, KeyError, ValueError) as exc:
                self.rejected.append(f"{path}: {type(exc).__name__}")
                return httpx.Response(
                    401, json={"error": {"code": "authentication_error"}}, request=request
                )
        return self.replay.handle_request(request)


@pytest.fixture
def fake(private_key) -> FakeKalshi:
    return FakeKalshi(private_key.public_key())


@pytest.fixture
def kalshi_ctx(sync_context, env, fake, monkeypatch):
    """A SyncContext whose Kalshi transport is the verifying fake."""

    def factory(config=None, env_override=None, transport=None):
        ctx = sync_context(
            config=config or CONFIG, env=env if env_override is None else env_override
        )
        chosen = transport or fake
        monkeypatch.setattr(ctx, "transport", lambda source: chosen)
        return ctx

    return factory
