"""Tracked-wallet equity (clearinghouseState): the recorded answer booked exactly, a row only
when the account changed, a bad answer quarantined while the other wallets load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ingestion.errors import SourceSkipped
from ingestion.hyperliquid.sync import sync_wallet_equity
from tests.hyperliquid.conftest import NOW, WHALE
from tests.hyperliquid.fake_api import FakeHyperliquid, clearinghouse

OTHER = "0x" + "c" * 40
TWO_WALLETS = {
    "sync_start": "2025-11-01T00:00:00Z",
    "wallets": [
        {"address": WHALE, "hyperliquid": True},
        {"address": OTHER, "hyperliquid": True},
    ],
}


def _rows(ctx) -> list[tuple]:
    with ctx.connect() as conn:
        return conn.execute(
            "select wallet, account_value, total_ntl_pos, total_margin_used, withdrawable, "
            "venue_time, observed_at from ledger.hyperliquid_wallet_equity "
            "order by wallet, observed_at"
        ).fetchall()


def test_the_recorded_answer_is_booked_exactly(hl_ctx):
    ctx = hl_ctx()
    result = sync_wallet_equity(ctx)
    assert (result.inserted, result.quarantined) == (1, 0)
    assert _rows(ctx) == [
        (
            WHALE,
            Decimal("60000.0"),
            Decimal("4530.0"),
            Decimal("906.0"),
            Decimal("59094.0"),
            datetime(2026, 11, 20, 12, tzinfo=UTC),  # the answer's `time`, 1795176000000 ms
            NOW,  # our clock is the key
        )
    ]


def test_a_row_only_when_the_account_changed_not_when_only_the_venue_clock_moved(hl_ctx):
    fake = FakeHyperliquid(states={WHALE: clearinghouse("100.5", time=1795176000000)})
    clock = [NOW]
    ctx = hl_ctx()
    ctx.now = lambda: clock[0]
    ctx.transport = lambda source: fake.transport()
    assert sync_wallet_equity(ctx).inserted == 1

    fake.states[WHALE] = clearinghouse("100.5", time=1795176060000)  # same account, later
    clock[0] = NOW + timedelta(hours=1)
    second = sync_wallet_equity(ctx)
    assert (second.inserted, second.duplicates) == (0, 1)

    fake.states[WHALE] = clearinghouse("90.25", time=1795176120000)  # it lost 10.25
    clock[0] = NOW + timedelta(hours=2)
    assert sync_wallet_equity(ctx).inserted == 1
    assert [(r[1], r[6]) for r in _rows(ctx)] == [
        (Decimal("100.5"), NOW),
        (Decimal("90.25"), NOW + timedelta(hours=2)),
    ]


def test_an_answer_without_time_is_kept_with_our_clock_only(hl_ctx):
    fake = FakeHyperliquid(states={WHALE: clearinghouse("5", time=None)})
    ctx = hl_ctx()
    ctx.transport = lambda source: fake.transport()
    sync_wallet_equity(ctx)
    ((_, value, *_rest, venue_time, observed_at),) = _rows(ctx)
    assert (value, venue_time, observed_at) == (Decimal("5"), None, NOW)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (clearinghouse("-3.5"), "accountValue"),
        ({"assetPositions": [], "time": 1795176000000}, "marginSummary"),
        ([], "ClearinghouseState"),
    ],
    ids=["negative equity", "no marginSummary", "not an object"],
)
def test_a_bad_answer_is_quarantined_with_its_reason_and_the_other_wallet_loads(
    hl_ctx, answer, reason
):
    fake = FakeHyperliquid(states={WHALE: answer, OTHER: clearinghouse("42.0")})
    ctx = hl_ctx(TWO_WALLETS)
    ctx.transport = lambda source: fake.transport()
    result = sync_wallet_equity(ctx)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert [(r[0], r[1]) for r in _rows(ctx)] == [(OTHER, Decimal("42.0"))]
    with ctx.connect() as conn:
        (why, stream, page) = conn.execute(
            "select reason, stream, page_id from ops.quarantine where source = 'hyperliquid'"
        ).fetchone()
        landed = conn.execute(
            "select count(*) from raw.pages where endpoint = 'clearinghouseState'"
        ).fetchone()[0]
    assert reason in why and stream == "wallet_equity" and page is not None
    assert landed == 2  # both answers kept as raw pages


def test_no_tracked_hyperliquid_wallet_is_a_skip(hl_ctx):
    with pytest.raises(SourceSkipped, match="hyperliquid: true"):
        sync_wallet_equity(hl_ctx({"sync_start": "2025-11-01T00:00:00Z"}))
