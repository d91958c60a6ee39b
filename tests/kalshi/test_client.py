"""The client against the verifying fake: signature, 429 behaviour, cursor paging, skips."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ingestion.errors import SourceSkipped, VenueError
from ingestion.http.client import RetryPolicy
from ingestion.kalshi.auth import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    KalshiSigner,
    message,
    verify,
)
from ingestion.kalshi.client import make_client, tier_limiter
from tests.conftest import make_settings
from tests.kalshi.conftest import CONFIG, KEY_ID, FakeKalshi

FAST = RetryPolicy(attempts=4, timeout=10, wait_initial=0.01, wait_max=0.02, wait_jitter=0)


def client(env, transport, **kw):
    return make_client(make_settings(CONFIG, env), transport, retry=FAST, **kw)


def test_signed_string_is_timestamp_method_full_path_without_query():
    assert message("1703123456789", "get", "/trade-api/v2/portfolio/orders?limit=5") == (
        b"1703123456789GET/trade-api/v2/portfolio/orders"
    )


def test_signature_verifies_with_the_public_key(private_key):
    request = httpx.Request(
        "GET", "https://external-api.kalshi.com/trade-api/v2/portfolio/fills?limit=200"
    )
    KalshiSigner(KEY_ID, private_key, clock_ms=lambda: 1703123456789)(request)
    assert request.headers[KEY_HEADER] == KEY_ID
    assert request.headers[TIMESTAMP_HEADER] == "1703123456789"
    verify(private_key.public_key(), request)  # raises if not RSA-PSS over ts+GET+path
    assert len(base64.b64decode(request.headers[SIGNATURE_HEADER])) == 256


def test_fake_accepts_our_signature_and_pages_to_the_empty_cursor(env, fake):
    c = client(env, fake)
    pages = list(c.fills(make_settings(CONFIG).config.sync_start))
    assert [len(p.payload["fills"]) for p in pages] == [5, 0]
    assert pages[-1].payload["cursor"] == ""
    assert not fake.rejected
    assert all(r.url.params["limit"] == "200" for r in fake.requests)


def test_wrong_key_is_refused_by_the_fake(env):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake = FakeKalshi(other.public_key())
    with pytest.raises(VenueError, match="HTTP 401"):
        client(env, fake).balance()
    assert fake.rejected == ["/trade-api/v2/portfolio/balance: InvalidSignature"]


def test_429_is_retried_with_backoff_then_succeeds(env, private_key):
    fake = FakeKalshi(private_key.public_key(), rate_limit_first=2)
    page = client(env, fake).balance()
    assert page.payload["balance_dollars"] == "102.3400"
    assert len(fake.requests) == 3
    # each attempt is signed afresh (the timestamp is part of the signature)
    verify(private_key.public_key(), fake.requests[-1])


def test_429_forever_gives_up_with_a_clear_error(env, private_key):
    fake = FakeKalshi(private_key.public_key(), rate_limit_first=100)
    with pytest.raises(Exception, match="HTTP 429"):
        client(env, fake).balance()
    assert len(fake.requests) == FAST.attempts


def test_missing_credentials_skip_portfolio_only(fake):
    c = client({}, fake)
    with pytest.raises(SourceSkipped, match="KALSHI_API_KEY_ID"):
        c.balance()
    assert len(list(c.markets("KXNFLGAME"))) == 4  # public data still flows


def test_tiers_follow_the_documented_read_budget():
    assert tier_limiter("basic").fill_per_second == 20  # 200 tokens/s, 10 tokens per request
    assert tier_limiter("Advanced").fill_per_second == 30
    with pytest.raises(ValueError, match="unknown Kalshi rate-limit tier"):
        tier_limiter("gold")


def test_the_key_file_is_parsed_once_per_content_and_a_replaced_key_is_read_again(
    key_file, private_key
):
    """Every Kalshi stream of a run loads the same key file: parsed once, yet a key file
    replaced on disk (a rotated API key) is the new key at the next load."""
    from cryptography.hazmat.primitives import serialization

    from ingestion.kalshi.auth import load_private_key

    first = load_private_key(key_file)
    assert first.public_key().public_numbers() == private_key.public_key().public_numbers()
    assert load_private_key(key_file) is first  # the same content: not parsed again

    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file.write_bytes(
        rotated.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    again = load_private_key(key_file)
    assert again.public_key().public_numbers() == rotated.public_key().public_numbers()
    assert again.public_key().public_numbers() != first.public_key().public_numbers()
