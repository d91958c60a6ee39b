"""Clients and syncs against the in-process fake: keyset end, offset caps, 429, default filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import stamina

from ingestion.polymarket.sync import sync_fills, sync_markets, sync_wallet_activity
from ingestion.wallets import truncated_wallets, wallets_lacking_cursor
from tests.polymarket.conftest import OWN, WHALE
from tests.polymarket.fake_api import FakePolymarket

T0 = int(datetime(2025, 11, 20, tzinfo=UTC).timestamp())
TOKEN = "1" * 78


def market(i: int, *, closed: bool = False, tokens: str | None = None) -> dict:
    return {
        "id": str(1000 + i),
        "conditionId": "0x" + f"{i:064x}",
        "slug": f"m-{i}",
        "question": f"Market {i}?",
        "outcomes": '["Yes", "No"]',
        "outcomePrices": '["1", "0"]' if closed else '["0.61", "0.39"]',
        "clobTokenIds": tokens or json.dumps([str(10**77 + 2 * i), str(10**77 + 2 * i + 1)]),
        "active": True,
        "closed": closed,
        "umaResolutionStatus": "resolved" if closed else None,
        "bestBid": "0.6",
        "bestAsk": "0.62",
        "volumeNum": 10,
    }


def trade(i: int, wallet: str = OWN, ts: int | None = None, maker: bool = False) -> dict:
    return {
        "proxyWallet": wallet,
        "side": "BUY",
        "asset": TOKEN,
        "conditionId": "0x" + "a" * 64,
        "size": 10 + i,
        "price": 0.5,
        "timestamp": ts if ts is not None else T0 + i,
        "outcome": "Yes",
        "outcomeIndex": 0,
        "transactionHash": "0x" + f"{i:064x}",
        "_maker": maker,
    }


def activity(i: int, ts: int | None = None) -> dict:
    return {
        "proxyWallet": WHALE,
        "timestamp": ts if ts is not None else T0 + i,
        "type": "REWARD",
        "conditionId": "",
        "size": 1 + i,
        "usdcSize": 1 + i,
        "transactionHash": f"0x{i:064x}",
        "price": 0,
        "asset": "",
        "side": "",
        "outcomeIndex": 999,
    }


@pytest.fixture
def fake_ctx(pm_ctx):
    def make(fake: FakePolymarket, config=None):
        ctx = pm_ctx(config)
        ctx.transport = lambda source: fake.transport()
        return ctx

    return make


TAG_CONFIG = {"markets": {"polymarket": {"slugs": [], "tag_ids": [450]}}}


def test_keyset_follows_cursor_to_the_end_and_asks_for_closed_markets(fake_ctx):
    fake = FakePolymarket(
        markets=[market(i) for i in range(3)] + [market(i, closed=True) for i in range(3, 5)]
    )
    result = sync_markets(fake_ctx(fake, TAG_CONFIG))
    assert result.inserted == 10  # 5 markets x 2 outcomes, closed ones included
    asked = [r.url.params for r in fake.requests]
    assert all("offset" not in q and q.get("closed") in {"true", "false"} for q in asked)
    assert [q.get("after_cursor") for q in asked] == [None, "2", None]  # 3 open, 2 closed


def test_malformed_json_in_string_quarantines_that_market_only(fake_ctx):
    fake = FakePolymarket(markets=[market(1), market(2, tokens='["123", 456'), market(3)])
    ctx = fake_ctx(fake, TAG_CONFIG)
    result = sync_markets(ctx)
    assert (result.inserted, result.quarantined) == (4, 1)
    with ctx.connect() as conn:
        reason, payload = conn.execute(
            "select reason, payload from ops.quarantine where source = 'polymarket'"
        ).fetchone()
    assert "clobTokenIds" in reason and payload["id"] == "1002"


def test_trades_ask_for_maker_fills(fake_ctx):
    fake = FakePolymarket(trades=[trade(0), trade(1, maker=True)])
    result = sync_fills(fake_ctx(fake))
    assert result.inserted == 2
    assert all(r.url.params["takerOnly"] == "false" for r in fake.requests)


def test_offset_cap_is_never_passed_history_read_in_windows(fake_ctx):
    fake = FakePolymarket(activity=[activity(i) for i in range(13)], activity_cap=4)
    ctx = fake_ctx(fake)
    result = sync_wallet_activity(ctx, activity_page=2, activity_cap=4, trades_cap=4)
    assert result.inserted == 13
    assert max(int(r.url.params["offset"]) for r in fake.requests) <= 4
    with ctx.connect() as conn:
        assert truncated_wallets(conn, "polymarket") == []


def test_history_limit_is_recorded_not_skipped(fake_ctx):
    # 13 activities in the same second: no window is small enough to page through them
    fake = FakePolymarket(activity=[activity(i, ts=T0) for i in range(13)], activity_cap=4)
    ctx = fake_ctx(fake)
    result = sync_wallet_activity(ctx, activity_page=2, activity_cap=4, trades_cap=4)
    assert result.inserted == 6  # offsets 0, 2, 4: what the venue would serve is kept
    assert any("truncated" in n for n in result.notes)
    with ctx.connect() as conn:
        rows = truncated_wallets(conn, "polymarket")
    assert [(r[0], r[1]) for r in rows] == [(WHALE, "wallet_activity")]


def test_a_lower_cap_than_we_know_is_handled_as_a_window_split(fake_ctx):
    fake = FakePolymarket(activity=[activity(i) for i in range(9)], activity_cap=2)
    ctx = fake_ctx(fake)
    result = sync_wallet_activity(ctx, activity_page=2, activity_cap=100, trades_cap=100)
    assert result.inserted == 9


def test_429_is_retried(fake_ctx):
    fake = FakePolymarket(trades=[trade(0)], throttle=2)
    with stamina.set_testing(True, attempts=3):
        result = sync_fills(fake_ctx(fake))
    assert result.inserted == 1
    assert fake.calls["/trades"] == 3


def test_new_wallets_are_those_without_a_cursor(fake_ctx):
    fake = FakePolymarket(activity=[activity(0)])
    ctx = fake_ctx(fake)
    other = "0x" + "b" * 40
    with ctx.connect() as conn:
        assert wallets_lacking_cursor(conn, "polymarket", "wallet_activity", [WHALE, other]) == [
            WHALE,
            other,
        ]
    sync_wallet_activity(ctx)
    with ctx.connect() as conn:
        assert wallets_lacking_cursor(
            conn, "polymarket", "wallet_activity", [WHALE.upper().replace("0X", "0x"), other]
        ) == [other]


def test_newest_first_feed_is_windowed_backwards(fake_ctx):
    fake = FakePolymarket(trades=[trade(i) for i in range(13)], trades_cap=4)
    ctx = fake_ctx(fake)
    result = sync_fills(ctx, trades_page=2, trades_cap=4)
    assert result.inserted == 13
    assert max(int(r.url.params["offset"]) for r in fake.requests) <= 4
