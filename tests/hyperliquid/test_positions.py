"""Own perpetual positions, account equity (clearinghouseState) and funding (userFunding):
booked exactly, a row only when a state changed, a closed position recorded flat, a bad size
quarantined while its page-mates load, funding paged across the 500-element cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ingestion.hyperliquid.sync import sync_accounts, sync_funding, sync_positions
from tests.hyperliquid.conftest import NOW, OWN
from tests.hyperliquid.fake_api import (
    FakeHyperliquid,
    clearinghouse,
    make_funding,
    make_position,
)

BTC_LONG = make_position("BTC", "0.05")
ETH_SHORT = make_position(
    "ETH",
    "-0.4",
    entryPx="3205.0",
    positionValue="1240.0",
    unrealizedPnl="42.0",
    liquidationPx=None,
    marginUsed="248.0",
    leverage={"type": "isolated", "value": 5, "rawUsd": "1530.0"},
    cumFunding={"allTime": "-0.8", "sinceOpen": "-0.3", "sinceChange": "-0.1"},
)


def _ctx(hl_ctx, fake, clock):
    ctx = hl_ctx()
    ctx.transport = lambda source: fake.transport()
    ctx.now = lambda: clock[0]
    return ctx


def _positions(ctx) -> list[tuple]:
    with ctx.connect() as conn:
        return conn.execute(
            "select coin, szi, entry_px, unrealized_pnl, leverage_type, leverage, liquidation_px, "
            "margin_used, cum_funding_since_open, observed_at "
            "from ledger.hyperliquid_position_observations order by observed_at, coin"
        ).fetchall()


def test_positions_and_equity_are_booked_exactly(hl_ctx):
    state = clearinghouse("15000.5", assetPositions=[BTC_LONG, ETH_SHORT])
    fake = FakeHyperliquid(states={OWN: state})
    ctx = _ctx(hl_ctx, fake, [NOW])
    result = sync_positions(ctx)
    assert (result.inserted, result.quarantined) == (2, 0)
    assert sync_accounts(ctx).inserted == 1
    assert _positions(ctx) == [
        ("BTC", Decimal("0.05"), Decimal("100000.0"), Decimal("100.0"), "cross", Decimal(10),
         Decimal("91000.0"), Decimal("510.0"), Decimal("1.25"), NOW),
        ("ETH", Decimal("-0.4"), Decimal("3205.0"), Decimal("42.0"), "isolated", Decimal(5),
         None, Decimal("248.0"), Decimal("-0.3"), NOW),
    ]  # fmt: skip
    with ctx.connect() as conn:
        summary = conn.execute(
            "select account, account_value, unrealized_pnl, withdrawable, venue_time, "
            "observed_at from ledger.hyperliquid_account_observations"
        ).fetchall()
    assert summary == [
        # unrealized: 100.0 (BTC) + 42.0 (ETH) listed in the same answer
        (OWN, Decimal("15000.5"), Decimal("142.0"), Decimal("15000.5"),
         datetime(2026, 11, 20, 12, tzinfo=UTC), NOW)
    ]  # fmt: skip


def test_a_size_that_is_not_a_number_is_quarantined_and_its_page_mates_load(hl_ctx):
    bad = make_position("SOL", "lots")
    fake = FakeHyperliquid(states={OWN: clearinghouse("10", assetPositions=[bad, BTC_LONG])})
    ctx = _ctx(hl_ctx, fake, [NOW])
    result = sync_positions(ctx)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert [r[0] for r in _positions(ctx)] == ["BTC"]
    with ctx.connect() as conn:
        (reason,) = conn.execute(
            "select reason from ops.quarantine where source = 'hyperliquid' "
            "and stream = 'positions'"
        ).fetchone()
    assert reason == "szi: Value error, 'lots' is not a decimal number"


def test_a_row_per_change_and_a_closed_position_is_recorded_flat(hl_ctx):
    fake = FakeHyperliquid(states={OWN: clearinghouse("10", assetPositions=[BTC_LONG, ETH_SHORT])})
    clock = [NOW]
    ctx = _ctx(hl_ctx, fake, clock)
    sync_positions(ctx)

    clock[0] = NOW + timedelta(hours=1)  # nothing changed but the venue's clock
    fake.states[OWN] = clearinghouse("10", time=1795176060000, assetPositions=[BTC_LONG, ETH_SHORT])
    again = sync_positions(ctx)
    assert (again.inserted, again.duplicates) == (0, 2)

    clock[0] = NOW + timedelta(hours=2)  # ETH closed, BTC marked higher, SOL unreadable
    btc = make_position("BTC", "0.05", unrealizedPnl="150.0")
    fake.states[OWN] = clearinghouse("10", assetPositions=[btc, make_position("SOL", "?")])
    sync_positions(ctx)
    later = [(r[0], r[1], r[3], r[9]) for r in _positions(ctx) if r[9] == clock[0]]
    assert later == [
        ("BTC", Decimal("0.05"), Decimal("150.0"), clock[0]),
        ("ETH", Decimal(0), None, clock[0]),  # absent from the answer: closed
    ]

    clock[0] = NOW + timedelta(hours=3)  # still closed: no new row for ETH
    assert sync_positions(ctx).inserted == 0


def test_funding_pages_across_the_cap_and_resumes_from_its_cursor(hl_ctx):
    start = 1795000000000
    payments = [make_funding(start + i * 3_600_000, usdc="-0.5") for i in range(1200)]
    payments += [make_funding(start + 5, coin="ETH", usdc="0.25")]  # the short was paid
    fake = FakeHyperliquid(funding={OWN: payments})
    clock = [datetime.fromtimestamp((start + 1200 * 3_600_000) / 1000, UTC)]
    ctx = _ctx(hl_ctx, fake, clock)
    result = sync_funding(ctx)
    assert result.inserted == 1201
    funding_bodies = [b for b in fake.bodies if b["type"] == "userFunding"]
    assert len(funding_bodies) == 3  # 500 + 500 + 201 (boundary re-read)
    with ctx.connect() as conn:
        total = conn.execute(
            "select coin, sum(usdc), count(*) from ledger.hyperliquid_funding group by coin "
            "order by coin"
        ).fetchall()
        cursor = conn.execute(
            "select value from ops.cursors where source = 'hyperliquid' and stream = 'funding'"
        ).fetchone()[0]
    assert total == [("BTC", Decimal("-600.0"), 1200), ("ETH", Decimal("0.25"), 1)]
    assert int(cursor) == start + 1199 * 3_600_000

    fake.bodies.clear()
    assert sync_funding(ctx).inserted == 0
    assert fake.bodies[-1]["startTime"] == start + 1199 * 3_600_000 + 1


def test_a_funding_entry_that_is_not_funding_is_quarantined(hl_ctx):
    odd = make_funding(1795000000000, type="deposit")
    fake = FakeHyperliquid(funding={OWN: [odd, make_funding(1795000000001)]})
    ctx = _ctx(hl_ctx, fake, [NOW])
    result = sync_funding(ctx)
    assert (result.inserted, result.quarantined) == (1, 1)


def test_the_recorded_demo_answers_load(hl_ctx):
    ctx = hl_ctx()
    assert sync_positions(ctx).inserted == 2
    assert sync_accounts(ctx).inserted == 1
    assert sync_funding(ctx).inserted == 6
    assert sync_funding(ctx).inserted == 0  # the re-read adds nothing
    with ctx.connect() as conn:
        rows = conn.execute(
            "select coin, -sum(usdc) from ledger.hyperliquid_funding group by coin order by coin"
        ).fetchall()
    # the BTC long paid 3 x 0.062813; the ETH short received 2 x 0.019315 and paid 0.007726
    assert rows == [("BTC", Decimal("0.188439")), ("ETH", Decimal("-0.030904"))]
    assert [(r[0], r[1], r[6]) for r in _positions(ctx)] == [
        ("BTC", Decimal("0.05"), Decimal("80250.4")),
        ("ETH", Decimal("-0.4"), None),
    ]
