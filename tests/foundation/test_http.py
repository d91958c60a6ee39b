"""The shared HTTP layer against in-process fakes: retries, limits, paging, landing, redaction."""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import quote, quote_plus

import httpx
import psycopg
import pytest

from ingestion.errors import RetryableVenueError, VenueError
from ingestion.http import RateLimiter, RetryPolicy, VenueHttp
from ingestion.http.paginate import (
    OffsetCapReached,
    cursor_pages,
    keyset_pages,
    offset_pages,
    time_cursor_pages,
)
from ingestion.landing import PageLander

FAST = RetryPolicy(attempts=4, timeout=10, wait_initial=0.001, wait_max=0.01, wait_jitter=0.001)


def venue(handler, **kw) -> VenueHttp:
    return VenueHttp(
        "fake",
        "https://fake.test/api",
        transport=httpx.MockTransport(handler),
        retry=kw.pop("retry", FAST),
        **kw,
    )


def sequence(*responses):
    """A handler answering each call with the next response (callables get the request)."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        r = responses[min(len(calls), len(responses)) - 1]
        return r(request) if callable(r) else r

    handler.calls = calls  # type: ignore[attr-defined]
    return handler


def test_429_without_retry_after_is_retried_with_backoff() -> None:
    h = sequence(httpx.Response(429, text="slow down"), httpx.Response(200, json={"ok": True}))
    assert venue(h).get("/x").payload == {"ok": True}
    assert len(h.calls) == 2


def test_503_then_success() -> None:
    h = sequence(httpx.Response(503), httpx.Response(502), httpx.Response(200, json=[1]))
    assert venue(h).get("/x").payload == [1]
    assert len(h.calls) == 3


def test_retry_after_header_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("ingestion.http.client.time.sleep", slept.append)
    h = sequence(
        httpx.Response(429, headers={"Retry-After": "0.005"}), httpx.Response(200, json={})
    )
    venue(h).get("/x")
    assert slept[0] == 0.005  # then stamina adds its own (tiny) jittered wait


def test_timeouts_and_connection_errors_are_retried_then_give_up() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    h = sequence(boom, boom, httpx.Response(200, json={"n": 1}))
    assert venue(h).get("/x").payload == {"n": 1}

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    always = sequence(refuse)
    with pytest.raises(httpx.ConnectError):
        venue(always).get("/x")
    assert len(always.calls) == FAST.attempts


def test_persistent_429_gives_up_after_the_attempt_cap() -> None:
    h = sequence(httpx.Response(429))
    with pytest.raises(RetryableVenueError, match="HTTP 429"):
        venue(h).get("/x")
    assert len(h.calls) == FAST.attempts


def test_client_errors_are_not_retried_and_name_the_problem() -> None:
    h = sequence(httpx.Response(401, json={"error": "invalid key"}))
    with pytest.raises(VenueError, match=r"HTTP 401.*invalid key"):
        venue(h).get("/x")
    assert len(h.calls) == 1


def test_venue_envelope_check_can_retry_a_200() -> None:
    def check(response, payload):
        if payload.get("code") == "50011":
            raise RetryableVenueError("rate limited in body")

    h = sequence(
        httpx.Response(200, json={"code": "50011"}), httpx.Response(200, json={"code": "0"})
    )
    assert venue(h, check=check).get("/x").payload == {"code": "0"}


def test_numbers_are_parsed_exactly() -> None:
    body = '{"price": 0.123456789012345678, "token": 12345678901234567890123456789012345678901}'
    page = venue(sequence(httpx.Response(200, text=body))).get("/x")
    assert page.payload["price"] == Decimal("0.123456789012345678")
    assert page.payload["token"] == 12345678901234567890123456789012345678901


def test_user_agent_and_timeouts_always_set() -> None:
    h = sequence(httpx.Response(200, json={}))
    client = venue(h)
    client.get("/x")
    assert h.calls[0].headers["User-Agent"].startswith("tradelake/")
    assert client.client.timeout.read == 30.0


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(rate=2, per=1.0, burst=2, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire()
    assert slept == [pytest.approx(0.5), pytest.approx(0.5)]


def test_pages_are_landed_before_parsing_and_secrets_redacted(db_url: str, caplog) -> None:
    secret = "s3cr3t-api-key-value"
    h = sequence(
        httpx.Response(503, text="<html>upstream down</html>"),
        httpx.Response(200, text='{"items": [1, 2], "price": 0.5}'),
    )
    with psycopg.connect(db_url, autocommit=True) as conn, caplog.at_level(logging.WARNING):
        client = venue(h, sink=PageLander(conn), secrets=(secret,))
        page = client.get("/x", params={"apikey": secret, "page": 2}, endpoint="items")
        logging.getLogger("ingestion.http").warning("calling with %s", secret)
        rows = conn.execute(
            "select status, payload, payload_text, request_params from raw.pages order by page_id"
        ).fetchall()
    assert [r[0] for r in rows] == [503, 200]
    assert rows[0][1] is None and rows[0][2] == "<html>upstream down</html>"
    assert rows[1][1] == {"items": [1, 2], "price": 0.5}
    assert rows[1][3] == {"apikey": "***", "page": 2}
    assert page.page_id is not None
    assert secret not in caplog.text and "***" in caplog.text


def _page(payload) -> object:
    from ingestion.http.client import Page

    return Page("e", {}, 200, payload, None)


def test_cursor_paging_stops_at_empty_cursor_and_refuses_loops() -> None:
    pages = {None: {"cursor": "a"}, "a": {"cursor": "b"}, "b": {"cursor": ""}}
    got = list(cursor_pages(lambda c: _page(pages[c]), lambda p: p.get("cursor")))
    assert len(got) == 3
    loop = {None: {"cursor": "a"}, "a": {"cursor": "a"}}
    with pytest.raises(VenueError, match="repeated"):
        list(cursor_pages(lambda c: _page(loop[c]), lambda p: p.get("cursor")))


def test_offset_paging_short_page_ends_and_cap_raises() -> None:
    data = list(range(25))
    got = list(offset_pages(lambda o, n: _page(data[o : o + n]), lambda p: p, limit=10))
    assert [len(p.payload) for p in got] == [10, 10, 5]
    many = list(range(100))
    with pytest.raises(OffsetCapReached):
        list(
            offset_pages(lambda o, n: _page(many[o : o + n]), lambda p: p, limit=10, max_offset=30)
        )


def test_keyset_paging_ends_on_empty_page() -> None:
    data = list(range(1, 8))

    def fetch(after):
        rows = [x for x in data if after is None or x > after][:3]
        return _page({"rows": rows})

    got = list(
        keyset_pages(fetch, lambda p: p["rows"][-1] if p["rows"] else None, lambda p: p["rows"])
    )
    assert [p.payload["rows"] for p in got] == [[1, 2, 3], [4, 5, 6], [7], []][: len(got)]
    assert sum(len(p.payload["rows"]) for p in got) == 7


def test_time_cursor_paging_advances_past_full_pages() -> None:
    times = list(range(0, 10))

    def fetch(since):
        return _page([t for t in times if t >= since][:4])

    got = list(
        time_cursor_pages(fetch, lambda p: p, lambda t: t, start=0, cap=4, advance=lambda t: t + 1)
    )
    assert [p.payload for p in got] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


# Issue #20 part 8: an error body that echoes the request held every credential.
OKX_KEY = "okx-key-1f2e3d4c-5b6a"
OKX_SECRET = "OKXSECRET0123456789ABCDEF"
OKX_PASSPHRASE = "Pass/phrase+With=Symbols"
ETHERSCAN_KEY = "ETHERSCANKEY0123456789ABCDEFGHIJKL"
KALSHI_KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"


def echo_request(request: httpx.Request) -> dict:
    """What a careless venue answers on an error: the whole request, headers and URL."""
    return {
        "code": "50113",
        "msg": f"Invalid Sign for {request.url}",
        "detail": {"request": {"url": str(request.url), "headers": dict(request.headers)}},
        "echo": [request.headers.get("OK-ACCESS-SIGN"), {"nested": [str(request.url.params)]}],
    }


def test_error_bodies_echoing_credentials_and_signatures_are_redacted(db_url: str, caplog) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from ingestion.kalshi.auth import KalshiSigner
    from ingestion.okx.auth import OkxSigner

    sent: list[httpx.Request] = []

    def json_echo(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401, json=echo_request(request))

    def text_echo(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        headers = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
        return httpx.Response(400, text=f"<html><pre>GET {request.url}\n{headers}</pre></html>")

    kalshi_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    clients = [
        # OKX: key, passphrase, timestamp and the computed OK-ACCESS-SIGN in headers
        (json_echo, OkxSigner(OKX_KEY, OKX_SECRET, OKX_PASSPHRASE), (OKX_KEY, OKX_SECRET,
                                                                     OKX_PASSPHRASE), {}),
        (text_echo, OkxSigner(OKX_KEY, OKX_SECRET, OKX_PASSPHRASE), (OKX_KEY, OKX_SECRET,
                                                                     OKX_PASSPHRASE), {}),
        # Etherscan: the key is a query parameter (echoed URL-encoded inside the URL)
        (json_echo, None, (ETHERSCAN_KEY,), {"apikey": ETHERSCAN_KEY}),
        (text_echo, None, (ETHERSCAN_KEY,), {"apikey": ETHERSCAN_KEY}),
        # Kalshi: key id and the per-request RSA-PSS signature
        (json_echo, KalshiSigner(KALSHI_KEY_ID, kalshi_key), (KALSHI_KEY_ID,), {}),
        (text_echo, KalshiSigner(KALSHI_KEY_ID, kalshi_key), (KALSHI_KEY_ID,), {}),
    ]  # fmt: skip
    errors = []
    with psycopg.connect(db_url, autocommit=True) as conn, caplog.at_level(logging.DEBUG):
        for handler, signer, secrets, params in clients:
            client = venue(handler, sink=PageLander(conn), sign=signer, secrets=secrets)
            with pytest.raises(VenueError) as raised:
                client.get("/api/v5/trade/fills", params={**params, "instType": "SPOT"})
            errors.append(str(raised.value))
        stored = conn.execute("select p::text from raw.pages p order by page_id").fetchall()
        json_pages = conn.execute(
            "select payload from raw.pages where payload is not null order by page_id"
        ).fetchall()
    assert len(stored) == 6
    signatures = [
        r.headers[h]
        for r in sent
        for h in ("OK-ACCESS-SIGN", "KALSHI-ACCESS-SIGNATURE")
        if h in r.headers
    ]
    assert len(signatures) == 4
    values = [OKX_KEY, OKX_SECRET, OKX_PASSPHRASE, ETHERSCAN_KEY, KALSHI_KEY_ID, *signatures]
    forms = {f(v) for v in values for f in (str, quote, quote_plus, lambda v: quote(v, safe=""))}
    everything = "\n".join(row[0] for row in stored) + "\n".join(errors) + caplog.text
    assert [f for f in forms if f in everything] == []
    # the JSON error pages stay JSON (queryable), with the non-secret parts intact
    assert len(json_pages) == 3
    okx = json_pages[0][0]
    assert okx["code"] == "50113"
    assert okx["detail"]["request"]["headers"]["ok-access-sign"] == "***"
    assert okx["detail"]["request"]["headers"]["ok-access-passphrase"] == "***"
    assert okx["detail"]["request"]["headers"]["ok-access-timestamp"].endswith("Z")
    assert okx["echo"][0] == "***"
    assert "instType=SPOT" in json_pages[1][0]["detail"]["request"]["url"]
    assert "apikey=***" in json_pages[1][0]["detail"]["request"]["url"]


def test_redaction_never_touches_numbers_of_a_json_page() -> None:
    from ingestion.http.redact import redact_body

    body = '{"price": 0.12345678, "id": "12345678", "n": [12345678]}'
    assert redact_body(body, ["12345678"]) == '{"price": 0.12345678, "id": "***", "n": [12345678]}'
    assert redact_body("price 0.12345678", ["12345678"]) == "price 0.***"
    assert redact_body('{"a": "x"}', []) == '{"a": "x"}'


def test_rate_limiter_takes_a_cost_and_pays_a_debt_by_sleeping() -> None:
    slept: list[float] = []
    limiter = RateLimiter(rate=10, per=1.0, burst=10, clock=lambda: 0.0, sleep=slept.append)
    assert limiter.acquire(8) == 0.0  # 2 tokens left
    assert limiter.acquire(5) == pytest.approx(0.3)  # 3 short at 10 per second
    assert limiter.acquire(0) == 0.0 and limiter.spent == 13
    assert slept == [pytest.approx(0.3)]


def test_time_cursor_paging_stops_past_the_end_and_asks_the_hook_when_stuck() -> None:
    times = [0, 0, 0, 0, 1, 2, 3, 9]
    asked: list[int] = []
    stuck: list[int] = []

    def fetch(since):
        asked.append(since)
        return _page([t for t in times if t >= since][:3])

    def on_stuck(since: int) -> int:
        stuck.append(since)
        return since + 1

    pages = time_cursor_pages(
        fetch, lambda p: p, lambda t: t, start=0, cap=3, advance=lambda t: t, end=2, stuck=on_stuck
    )
    # stuck at 0 (a full page inside one instant): the hook moves on to 1; after [1, 2, 3] the
    # cursor (3) is past the end (2): no third request
    assert [p.payload for p in pages] == [[0, 0, 0], [1, 2, 3]]
    assert asked == [0, 1] and stuck == [0]
    with pytest.raises(VenueError, match="did not advance"):
        list(
            time_cursor_pages(fetch, lambda p: p, lambda t: t, start=0, cap=3, advance=lambda t: t)
        )


def test_a_replayed_folder_is_read_again_when_a_recording_changes(tmp_path) -> None:
    """Recordings are parsed once per process (a run replays a source's folder in each sync),
    but a fixture rewritten on disk (a test writing its own answers) is served as it now is."""
    from ingestion.http.replay import ReplayTransport

    def record(price: str) -> None:
        (tmp_path / "ticker.json").write_text(
            '{"request": {"path": "/ticker"}, "response": {"body": {"price": ' + price + "}}}"
        )

    def price() -> str:
        with httpx.Client(transport=ReplayTransport.from_dir(tmp_path)) as client:
            return client.get("https://venue.test/ticker").text

    record("1.5")
    assert price() == '{"price":1.5}'
    assert price() == '{"price":1.5}'
    record("2.5")  # the same size, within the file system's time resolution: still seen
    assert price() == '{"price":2.5}'
    (tmp_path / "extra.json").write_text(
        '{"request": {"path": "/ticker", "params": {"inst": "BTC"}}, '
        '"response": {"body": {"price": 7}}}'
    )
    with httpx.Client(transport=ReplayTransport.from_dir(tmp_path)) as client:
        assert client.get("https://venue.test/ticker", params={"inst": "BTC"}).text == (
            '{"price":7}'
        )


def test_a_limiter_before_a_recorded_twin_counts_without_waiting(tmp_path) -> None:
    """A venue's limiter paces live requests; before the recorded twin (demo, tests), which has
    no limit to respect, it still counts every unit but never sleeps."""
    from ingestion.http.replay import ReplayTransport

    (tmp_path / "ticker.json").write_text(
        '{"request": {"path": "/api/ticker"}, "response": {"body": {"price": 1}}}'
    )

    def limiter(slept: list[float]) -> RateLimiter:
        now = [0.0]

        def sleep(s: float) -> None:
            slept.append(s)
            now[0] += s

        return RateLimiter(rate=2, per=1.0, burst=2, clock=lambda: now[0], sleep=sleep)

    live_slept: list[float] = []
    live = venue(lambda r: httpx.Response(200, json={"price": 1}), limiter=limiter(live_slept))
    replay_slept: list[float] = []
    replayed = VenueHttp(
        "fake",
        "https://fake.test/api",
        transport=ReplayTransport.from_dir(tmp_path),
        limiter=limiter(replay_slept),
        retry=FAST,
    )
    for http in (live, replayed):
        for _ in range(4):
            assert http.get("/ticker", endpoint="ticker").payload == {"price": 1}
    assert live_slept == [pytest.approx(0.5), pytest.approx(0.5)]
    assert replay_slept == []
    assert replayed.limiter.spent == live.limiter.spent == 4
