"""Signing, envelope checks, rate-limit shapes and paging against the verifying fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ingestion.errors import RetryableVenueError, SourceSkipped, VenueError
from ingestion.http.client import RetryPolicy
from ingestion.http.replay import ReplayTransport
from ingestion.okx import auth
from ingestion.okx.client import LIMITS, make_client, next_after
from tests.conftest import make_settings
from tests.okx.conftest import CONFIG, ENV, NOW, OKX_FIXTURES, RECORDINGS
from tests.okx.fake_api import make_fill

FAST = RetryPolicy(attempts=4, timeout=10, wait_initial=0.01, wait_max=0.02, wait_jitter=0)
DOC_SECRET = "22582BD0CFF14C41EDBF1AB98506286D"  # the docs' example SecretKey


def client(transport, env=ENV, **kw):
    return make_client(make_settings(CONFIG, env), transport, retry=FAST, **kw)


def test_signature_matches_an_independent_hmac():
    # vectors from `openssl dgst -sha256 -hmac <secret> -binary | base64` on the docs' example
    assert (
        auth.sign(DOC_SECRET, "2020-12-08T09:08:57.715Z", "GET", "/api/v5/account/balance?ccy=BTC")
        == "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="
    )
    body = '{"instId":"BTC-USDT","sz":"1"}'
    assert (
        auth.sign(DOC_SECRET, "2026-11-23T12:00:00.000Z", "post", "/api/v5/trade/order", body)
        == "o3wyecGpUqAN32w0KKnVaAz8CHqqNtVD/QeRRxfT9gI="
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2020, 12, 8, 9, 8, 57, 715000, tzinfo=UTC), "2020-12-08T09:08:57.715Z"),
        (datetime(2026, 11, 23, 12, 0, 0, 999, tzinfo=UTC), "2026-11-23T12:00:00.000Z"),
        (datetime(2026, 11, 23, 13, 0, 0, 5000, tzinfo=UTC) - timedelta(hours=1),
         "2026-11-23T12:00:00.005Z"),
    ],
)  # fmt: skip
def test_timestamp_is_iso_utc_with_milliseconds(at, expected):
    assert auth.iso_ms(at) == expected


def test_signer_signs_path_with_query_and_verifies():
    request = httpx.Request(
        "GET", "https://www.okx.com/api/v5/trade/fills", params={"instType": "SPOT", "limit": 100}
    )
    auth.OkxSigner("k", "s", "p", clock=lambda: NOW)(request)
    assert request.headers[auth.TIMESTAMP_HEADER] == "2026-11-23T12:00:00.000Z"
    assert request.headers[auth.PASSPHRASE_HEADER] == "p"
    expected = auth.sign(
        "s", "2026-11-23T12:00:00.000Z", "GET", "/api/v5/trade/fills?instType=SPOT&limit=100"
    )
    assert request.headers[auth.SIGN_HEADER] == expected
    assert auth.is_valid(request, "s") and not auth.is_valid(request, "other")
    tampered = httpx.Request(
        "GET", "https://www.okx.com/api/v5/trade/fills?instType=SWAP&limit=100",
        headers=dict(request.headers),
    )  # fmt: skip
    assert not auth.is_valid(tampered, "s")  # the query string is part of what is signed


def test_fake_accepts_our_signature_and_pages_to_the_end(fake):
    start = NOW - timedelta(days=2)
    fake.fills = [make_fill(n, at=start + timedelta(minutes=n)) for n in range(250)]
    pages = list(
        client(fake.transport()).fills("SPOT", history=False, begin=NOW - timedelta(days=3))
    )
    assert [len(p.payload["data"]) for p in pages] == [100, 100, 50]
    assert not fake.rejected
    afters = [r.url.params.get("after") for r in fake.requests]
    assert afters == [None, str(9600000000000000150), str(9600000000000000050)]
    got = [f["billId"] for p in pages for f in p.payload["data"]]
    assert len(got) == len(set(got)) == 250


def test_exact_multiple_of_the_page_size_ends_on_an_empty_page(fake):
    fake.fills = [make_fill(n, at=NOW - timedelta(days=10, minutes=n)) for n in range(200)]
    pages = list(client(fake.transport()).fills("SPOT", history=True))
    assert [len(p.payload["data"]) for p in pages] == [100, 100, 0]
    assert all(r.url.path == "/api/v5/trade/fills-history" for r in fake.requests)


def test_next_after_is_the_oldest_bill_of_a_full_page_compared_as_integers():
    rows = [{"billId": str(10**18 + n)} for n in range(99)] + [{"billId": "999999999999999999"}]
    assert next_after({"data": rows}) == "999999999999999999"  # fewer digits = older
    assert next_after({"data": rows[:99]}) is None


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({**ENV, "OKX_API_SECRET": "wrong"}, "50113"),
        ({**ENV, "OKX_API_PASSPHRASE": "wrong"}, "50105"),
        ({**ENV, "OKX_API_KEY": "wrong"}, "50111"),
    ],
)
def test_bad_credentials_are_refused_by_the_fake(fake, env, code):
    with pytest.raises(VenueError, match=rf"HTTP 401.*{code}"):
        client(fake.transport(), env).account_config()
    assert len(fake.rejected) == 1


def test_stale_timestamp_is_refused(fake):
    request = httpx.Request("GET", "https://www.okx.com/api/v5/account/config")
    old = datetime.now(UTC) - timedelta(minutes=1)  # OKX allows 30 s of skew
    auth.OkxSigner(*ENV.values(), clock=lambda: old)(request)
    response = fake.handle(request)
    assert (response.status_code, response.json()["code"]) == (401, "50102")


@pytest.mark.parametrize("status", [429, 200])
def test_rate_limit_50011_is_retried_whatever_the_http_status(fake, status):
    fake.throttle, fake.throttle_status = 2, status
    page = client(fake.transport()).account_config()
    assert page.payload["data"][0]["uid"] == fake.uid
    assert len(fake.requests) == 3
    assert auth.is_valid(fake.requests[-1], ENV["OKX_API_SECRET"])  # re-signed per attempt


@pytest.mark.parametrize("status", [429, 200])
def test_rate_limit_forever_gives_up_with_a_retryable_error(fake, status):
    fake.throttle, fake.throttle_status = 100, status
    with pytest.raises(RetryableVenueError, match=r"429|50011"):
        client(fake.transport()).account_config()
    assert len(fake.requests) == FAST.attempts


def test_recorded_error_shapes():
    transport = ReplayTransport.from_dir(RECORDINGS)  # test-only answers, never the demo's
    c = client(transport)
    with pytest.raises(RetryableVenueError, match=r"code 50011 \(HTTP 200\)"):
        c.account_config()
    with pytest.raises(RetryableVenueError, match="HTTP 429"):
        c.instruments("SWAP")
    with pytest.raises(VenueError, match=r"code 51001 \(HTTP 200\).*doesn't exist"):
        c.instruments("SPOT")
    with pytest.raises(VenueError, match=r"HTTP 401.*50113"):
        list(c.fills("SPOT", history=False))
    assert len(transport.requests) == 2 * FAST.attempts + 2  # retried only the rate limits


def test_missing_credentials_skip_signed_endpoints_only():
    with pytest.raises(SourceSkipped, match="OKX_API_SECRET / OKX_API_PASSPHRASE not set"):
        client(None, {"OKX_API_KEY": "k"})
    public = client(ReplayTransport.from_dir(OKX_FIXTURES), {}, signed=False)
    swaps = [i["instId"] for i in public.instruments("SWAP").payload["data"]]
    assert swaps == ["BTC-USDT-SWAP", "ETH-USDT-SWAP", "BTC-USD-SWAP"]
    with pytest.raises(SourceSkipped):
        public.account_config()


def test_each_endpoint_has_its_documented_limit():
    c = client(None)
    rates = {path: http.limiter.fill_per_second for path, http in c.endpoints.items()}
    assert rates == {path: n / 2 for path, n in LIMITS.items()}
    assert LIMITS == {
        "/api/v5/account/config": 5,
        "/api/v5/trade/fills": 60,
        "/api/v5/trade/fills-history": 10,
        "/api/v5/public/instruments": 20,
        "/api/v5/market/candles": 40,
        "/api/v5/market/history-candles": 20,
        "/api/v5/market/ticker": 20,
        "/api/v5/account/positions": 10,
        "/api/v5/account/balance": 10,
        "/api/v5/account/bills": 10,  # "5 requests per second"
        "/api/v5/account/bills-archive": 5,
        "/api/v5/trade/orders-history": 40,
        "/api/v5/trade/orders-history-archive": 20,
    }
