"""The client against an in-process Etherscan: envelope, retries, errors, paging to the end."""

from __future__ import annotations

import httpx
import pytest

from ingestion.errors import RetryableVenueError, VenueError
from ingestion.etherscan.client import (
    ChainUnavailable,
    WindowTooLarge,
    check_envelope,
    make_client,
    row_block,
)
from ingestion.http import RateLimiter
from tests.conftest import make_settings
from tests.etherscan.conftest import WHALE
from tests.etherscan.fake_api import FakeEtherscan, token_row


def client(fake: FakeEtherscan, key: str | None = None, **kw):
    settings = make_settings({}, {})
    return make_client(
        settings,
        key or fake.api_key,
        fake.transport(),
        None,
        limiter=RateLimiter(10_000, burst=10_000),
        **kw,
    )


def read_all(c, chain=42161, action="tokentx", start=100, cuts=None):
    sink = [] if cuts is None else cuts
    chunks = list(c.history(chain, action, WHALE, start, sink.append))
    return chunks, [row for chunk in chunks for row in chunk.rows]


def account_calls(fake):
    return [q for q in fake.calls if q.get("module") == "account"]


# --- envelope --------------------------------------------------------------------------------

OK = {"status": "1", "message": "OK", "result": []}
EMPTY = {"status": "0", "message": "No transactions found", "result": []}


def notok(result):
    return {"status": "0", "message": "NOTOK", "result": result}


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (OK, None),
        (EMPTY, None),
        ({"status": "0", "message": "No records found", "result": []}, None),
        (
            notok("Max rate limit reached, please use API Key for higher rate limit"),
            RetryableVenueError,
        ),
        (notok("Max calls per sec rate limit reached (3/sec)"), RetryableVenueError),
        (
            notok("Query Timeout occured. Please select a smaller result dataset"),
            RetryableVenueError,
        ),
        (notok("Max daily rate limit reached. 100000 (100%) used"), VenueError),
        (notok("Invalid API Key"), VenueError),
        (notok("Too many invalid api key attempts, please try again later"), VenueError),
        (notok("Missing or unsupported chainid parameter (required for v2 api)"), ChainUnavailable),
        (
            notok(
                "Result window is too large, PageNo x Offset size must be less than or equal "
                "to 10000"
            ),
            WindowTooLarge,
        ),
        (notok("Error! Invalid address format"), VenueError),
        ({"unexpected": True}, VenueError),
        ([], VenueError),
    ],
)
def test_envelope_decides_from_the_body(payload, error):
    response = httpx.Response(200)
    if error is None:
        check_envelope(response, payload)
    else:
        with pytest.raises(error) as caught:
            check_envelope(response, payload)
        # the daily limit is not worth retrying: it is a plain VenueError, never a retry
        if error is VenueError:
            assert not isinstance(caught.value, RetryableVenueError)


# --- retries and errors ----------------------------------------------------------------------


def test_rate_limit_answered_with_http_200_is_retried_then_succeeds():
    fake = FakeEtherscan(rate_limited=2, start_block=23_711_000)
    from datetime import UTC, datetime

    assert client(fake).block_at(1, datetime(2025, 11, 1, tzinfo=UTC)) == 23_711_000
    assert len(fake.calls) == 3
    assert fake.calls[-1]["timestamp"] == "1761955200" and fake.calls[-1]["closest"] == "after"


def test_a_rate_limit_that_never_clears_fails_after_the_retry_budget():
    fake = FakeEtherscan(rate_limited=100)
    with pytest.raises(RetryableVenueError, match="slow down"):
        list(client(fake).history(1, "txlist", WHALE, 100))
    assert len(fake.calls) == 6  # the retry budget, not forever


def test_invalid_api_key_is_a_clear_error_without_the_key():
    fake = FakeEtherscan()
    with pytest.raises(VenueError, match="ETHERSCAN_API_KEY") as caught:
        list(client(fake, key="WRONGKEY-987654").history(1, "txlist", WHALE, 100))
    assert "WRONGKEY-987654" not in str(caught.value)
    assert len(fake.calls) == 1  # not retried


def test_unsupported_chain_is_its_own_error():
    with pytest.raises(ChainUnavailable):
        list(client(FakeEtherscan(chains=(1,))).history(8453, "txlist", WHALE, 100))


def test_requests_carry_the_documented_parameters():
    fake = FakeEtherscan(rows={(1, "txlist"): []})
    list(client(fake).history(1, "txlist", WHALE, 123))
    q = fake.calls[0]
    assert {k: q[k] for k in ("chainid", "module", "action", "address", "startblock", "page")} == {
        "chainid": "1",
        "module": "account",
        "action": "txlist",
        "address": WHALE,
        "startblock": "123",
        "page": "1",
    }
    assert (q["offset"], q["sort"], q["apikey"]) == ("1000", "asc", fake.api_key)
    assert int(q["endblock"]) > 10**9  # past every chain's tip, Arbitrum included


# --- paging ----------------------------------------------------------------------------------


def many_rows():
    """23 rows over 14 blocks; block 110 holds 4 rows (it straddles page boundaries)."""
    rows, n = [], 0
    for block in range(101, 115):
        for _ in range(4 if block == 110 else (2 if block % 3 == 0 else 1)):
            rows.append(token_row(block, n, wallet=WHALE, incoming=n % 2 == 0))
            n += 1
    return rows


def test_paging_and_block_slide_read_every_row_exactly_once():
    rows = many_rows()
    fake = FakeEtherscan(rows={(42161, "tokentx"): rows})
    chunks, got = read_all(client(fake, offset=3, window=9))
    assert [r["logIndex"] for r in got] == [r["logIndex"] for r in rows]
    starts = [int(q["startblock"]) for q in account_calls(fake) if q["page"] == "1"]
    assert starts[0] == 100 and starts == sorted(starts) and len(set(starts)) == len(starts)
    # every window after the first starts at the last block of the previous one
    assert all(any(row_block(r) == s for r in rows) for s in starts[1:])
    # the history ends only after a query from the last block brought nothing new
    assert starts[-1] == 114
    assert chunks[-1].done_through == 114


def test_a_short_page_is_confirmed_from_its_last_block():
    rows = [token_row(105, 0, wallet=WHALE), token_row(107, 1, wallet=WHALE)]
    fake = FakeEtherscan(rows={(42161, "tokentx"): rows})
    chunks, got = read_all(client(fake))
    assert len(got) == 2
    assert [q["startblock"] for q in account_calls(fake)] == ["100", "107"]
    assert [c.done_through for c in chunks] == [107, 107]


class GrowingFake(FakeEtherscan):
    """A new transfer is indexed right after the first (short) answer."""

    def handle(self, request):
        response = super().handle(request)
        if len(account_calls(self)) == 1:
            self.rows[(42161, "tokentx")].append(token_row(109, 9, wallet=WHALE))
        return response


def test_rows_that_appear_after_a_short_page_are_not_missed():
    fake = GrowingFake(rows={(42161, "tokentx"): [token_row(105, 0, wallet=WHALE)]})
    _, got = read_all(client(fake))
    assert [r["blockNumber"] for r in got] == ["105", "109"]
    assert [q["startblock"] for q in account_calls(fake)] == ["100", "105", "109"]


def test_the_venue_record_window_is_learned_when_smaller_than_assumed():
    rows = many_rows()
    fake = FakeEtherscan(rows={(42161, "tokentx"): rows}, window=5)  # page 2 is refused
    c = client(fake, offset=5, window=15)
    _, got = read_all(c)
    assert [r["logIndex"] for r in got] == [r["logIndex"] for r in rows]
    assert c.window == 5
    refused = [q for q in account_calls(fake) if q["page"] == "2"]
    assert len(refused) == 1  # learned once, not asked again


def test_empty_history_ends_at_once():
    fake = FakeEtherscan(rows={})
    chunks, got = read_all(client(fake), start=500)
    assert got == [] and len(account_calls(fake)) == 1
    assert chunks[-1].done_through == 499


def test_a_block_bigger_than_the_window_is_reported_and_passed():
    rows = [token_row(105, n, wallet=WHALE) for n in range(5)] + [token_row(106, 5, wallet=WHALE)]
    fake = FakeEtherscan(rows={(42161, "tokentx"): rows})
    cuts = []
    _, got = read_all(client(fake, offset=2, window=4), start=105, cuts=cuts)
    assert [r["logIndex"] for r in got] == ["0", "1", "2", "3", "5"]  # row 4 is out of reach
    assert len(cuts) == 1 and cuts[0].reason.startswith("block 105 of chain 42161 fills a whole")
