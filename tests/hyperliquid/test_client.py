"""Client and syncs against the in-process fake: paging by time, caps, history limit, 429,
weight-based rate limit, quarantine, bad envelopes."""

from __future__ import annotations

import httpx
import pytest
import stamina

from ingestion.errors import SourceSkipped, VenueError
from ingestion.http import RateLimiter
from ingestion.http.client import VenueHttp
from ingestion.hyperliquid.client import HyperliquidClient, make_client
from ingestion.hyperliquid.sync import sync_fills, sync_wallet_fills
from ingestion.wallets import truncated_wallets, wallets_lacking_cursor
from tests.conftest import make_settings
from tests.hyperliquid.conftest import OWN, WHALE
from tests.hyperliquid.fake_api import FakeHyperliquid, make_fill

T0 = 1794268800000  # 2026-11-10T00:00:00Z in ms


@pytest.fixture
def fake_ctx(hl_ctx):
    def make(fake: FakeHyperliquid, config=None):
        ctx = hl_ctx(config)
        ctx.transport = lambda source: fake.transport()
        return ctx

    return make


def _count(ctx, table: str) -> int:
    with ctx.connect() as conn:
        return conn.execute(f"select count(*) from ledger.{table}").fetchone()[0]


def _starts(fake: FakeHyperliquid) -> list[int]:
    return [b["startTime"] for b in fake.bodies if b["type"] == "userFillsByTime"]


def test_pages_forward_by_time_to_the_end(fake_ctx):
    fake = FakeHyperliquid({WHALE: [make_fill(i, time=T0 + 1000 * i) for i in range(10)]}, 3)
    ctx = fake_ctx(fake)
    result = sync_wallet_fills(ctx, page_cap=3)
    assert result.inserted == 10 and result.conflicts == 0
    # each next page starts AT the newest time of the previous one (inclusive)
    assert _starts(fake)[1:] == [T0 + 2000, T0 + 4000, T0 + 6000, T0 + 8000]
    assert result.duplicates == 4  # the boundary fill of each full page, re-read once
    assert all(b.get("aggregateByTime") is False for b in fake.bodies[1:])
    with ctx.connect() as conn:
        assert truncated_wallets(conn, "hyperliquid") == []


def test_fills_sharing_a_millisecond_across_a_page_boundary_are_all_kept(fake_ctx):
    times = [T0, T0 + 1, T0 + 5, T0 + 5, T0 + 9, T0 + 10]  # page 1 ends inside T0 + 5
    fake = FakeHyperliquid({OWN: [make_fill(i, time=t) for i, t in enumerate(times)]}, 3)
    result = sync_fills(fake_ctx(fake), page_cap=3)
    assert result.inserted == 6


def test_second_sync_starts_after_the_cursor_and_adds_nothing(fake_ctx):
    fills = [make_fill(i, time=T0 + i) for i in range(4)]
    fake = FakeHyperliquid({OWN: fills})
    ctx = fake_ctx(fake)
    assert sync_fills(ctx).inserted == 4
    again = sync_fills(ctx)
    assert (again.inserted, again.duplicates, again.conflicts) == (0, 0, 0)
    assert _starts(fake)[-1] == T0 + 3 + 1
    fake.fills[OWN].append(make_fill(9, time=T0 + 50))
    assert sync_fills(ctx).inserted == 1


def test_history_limit_is_recorded_not_skipped(fake_ctx):
    fills = [make_fill(i, time=T0 + 1000 * i) for i in range(8)]
    fake = FakeHyperliquid({WHALE: fills}, page_cap=2, history_limit=5)
    ctx = fake_ctx(fake)
    result = sync_wallet_fills(ctx, page_cap=2, history_limit=5)
    assert result.inserted == 5  # everything the venue still serves is kept
    assert any("truncated" in n for n in result.notes)
    with ctx.connect() as conn:
        rows = truncated_wallets(conn, "hyperliquid")
        oldest = conn.execute(
            "select oldest_reached_at from ops.wallet_history_truncations"
        ).fetchone()[0]
    assert [(w, s) for w, s, _ in rows] == [(WHALE, "wallet_fills")]
    assert "5 most recent" in rows[0][2]
    assert int(oldest.timestamp() * 1000) == T0 + 3000  # the oldest fill still served


def test_a_full_page_inside_one_millisecond_is_reported_and_paging_goes_on(fake_ctx):
    fills = [make_fill(i, time=T0) for i in range(4)] + [make_fill(9, time=T0 + 1)]
    fake = FakeHyperliquid({WHALE: fills}, page_cap=3)
    ctx = fake_ctx(fake)
    result = sync_wallet_fills(ctx, page_cap=3)
    assert result.inserted == 4  # 3 of the crowded millisecond + the later one
    # full page at T0, re-read from T0 (still full, nothing newer): report, then go on at T0 + 1
    assert _starts(fake)[1:] == [T0, T0 + 1]
    with ctx.connect() as conn:
        ((_, _, reason),) = truncated_wallets(conn, "hyperliquid")
    assert "within one millisecond" in reason


def test_bad_fill_is_quarantined_and_the_good_ones_load(fake_ctx):
    fills = [make_fill(0, time=T0), make_fill(1, time=T0 + 1, side="X"), make_fill(2, time=T0 + 2)]
    ctx = fake_ctx(FakeHyperliquid({OWN: fills}))
    result = sync_fills(ctx)
    assert (result.inserted, result.quarantined) == (2, 1)
    with ctx.connect() as conn:
        reason, payload, stream = conn.execute(
            "select reason, payload, stream from ops.quarantine where source = 'hyperliquid'"
        ).fetchone()
        landed = conn.execute(
            "select count(*) from raw.pages where source = 'hyperliquid' "
            "and endpoint = 'userFillsByTime'"
        ).fetchone()[0]
    assert "side" in reason and payload["tid"] == fills[1]["tid"] and stream == "fills"
    assert landed == 1


def test_429_is_retried(fake_ctx):
    fake = FakeHyperliquid({OWN: [make_fill(0, time=T0)]}, throttle=2)
    with stamina.set_testing(True, attempts=3):
        result = sync_fills(fake_ctx(fake))
    assert result.inserted == 1
    assert fake.calls == 4  # 2 x 429, spotMeta, fills


def test_a_body_that_is_not_a_fill_list_is_a_clear_error_and_is_landed(fake_ctx, hl_ctx):
    def handler(request: httpx.Request) -> httpx.Response:
        if b"spotMeta" in request.content:
            return httpx.Response(200, json={"tokens": [], "universe": []})
        return httpx.Response(200, json={"error": "user unknown"})

    ctx = hl_ctx()
    ctx.transport = lambda source: httpx.MockTransport(handler)
    with pytest.raises(VenueError, match="expected a JSON array"):
        sync_fills(ctx)
    with ctx.connect() as conn:
        assert conn.execute("select count(*) from raw.pages").fetchone()[0] == 2


def test_unknown_request_type_answer_422_is_a_venue_error():
    http = VenueHttp("hyperliquid", "https://api.test", transport=FakeHyperliquid().transport())
    with pytest.raises(VenueError, match="HTTP 422"):
        http.post("/info", {"type": "nope"})


def test_weight_limiter_charges_base_weight_and_items_returned():
    """The shared RateLimiter, counted in weight: 20 per info request (VenueHttp's
    request_cost) plus 1 per 20 fills returned (the client)."""
    slept: list[float] = []
    limiter = RateLimiter(200, per=60.0, burst=200, clock=lambda: 0.0, sleep=slept.append)
    fills = [make_fill(i, time=T0 + i) for i in range(50)]
    transport = FakeHyperliquid({OWN: fills}).transport()
    http = VenueHttp(
        "hyperliquid", "https://api.test", transport=transport, limiter=limiter, request_cost=20
    )
    client = HyperliquidClient(http, limiter)
    client.fills_page(OWN, T0, T0 + 10**6)
    assert limiter.spent == 20 + 50 // 20
    assert not slept
    for _ in range(9):  # 10 x 22 weight > 200 budget: the limiter makes us wait
        client.fills_page(OWN, T0, T0 + 10**6)
    # 9 calls spend 198; the 10th request's 20 leaves a debt of 18 at 200/60 per second (5.4 s),
    # its 2 for items another 2 on top (the clock stands still here): 20 / (200/60) = 6 s
    assert slept == [pytest.approx(5.4), pytest.approx(6.0)]


def test_the_production_client_charges_the_documented_weights():
    fills = [make_fill(i, time=T0 + i) for i in range(45)]
    client = make_client(make_settings({}, {}), FakeHyperliquid({OWN: fills}).transport(), None)
    client.fills_page(OWN, T0, T0 + 10**6)
    assert client.limiter.spent == 20 + 2  # 45 fills: two whole twenties
    assert client.limiter.capacity == 960  # 1200 per minute, a fifth left to other tools


def test_missing_config_is_a_skip(hl_ctx):
    ctx = hl_ctx({"sync_start": "2025-11-01T00:00:00Z"})
    with pytest.raises(SourceSkipped, match=r"accounts\.hyperliquid\.addresses"):
        sync_fills(ctx)
    with pytest.raises(SourceSkipped, match="hyperliquid: true"):
        sync_wallet_fills(ctx)


def test_a_synced_wallet_has_a_cursor_even_without_fills(fake_ctx):
    ctx = fake_ctx(FakeHyperliquid())
    with ctx.connect() as conn:
        assert wallets_lacking_cursor(conn, "hyperliquid", "wallet_fills", [WHALE]) == [WHALE]
    assert sync_wallet_fills(ctx).inserted == 0
    with ctx.connect() as conn:
        assert wallets_lacking_cursor(conn, "hyperliquid", "wallet_fills", [WHALE]) == []
    assert _count(ctx, "hyperliquid_wallet_fills") == 0
