"""Tracked-wallet positions value (Data API GET /value): the recorded answer booked exactly,
both documented readings of the answer (array or single object, number or decimal string),
an answer about another address refused, an empty answer noted, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ingestion.polymarket.sync import sync_wallet_value
from tests.polymarket.conftest import NOW, WHALE
from tests.polymarket.fake_api import FakePolymarket

OTHER = "0x" + "d" * 40
TWO_WALLETS = {
    "sync_start": "2025-11-01T00:00:00Z",
    "wallets": [
        {"address": WHALE, "polymarket": True},
        {"address": OTHER, "polymarket": True},
    ],
}


def _rows(ctx) -> list[tuple]:
    with ctx.connect() as conn:
        return conn.execute(
            "select wallet, positions_value, observed_at from ledger.polymarket_wallet_value "
            "order by wallet, observed_at"
        ).fetchall()


def _faked(pm_ctx, fake: FakePolymarket, config=None):
    ctx = pm_ctx(config)
    ctx.transport = lambda source: fake.transport()
    return ctx


def test_the_recorded_answer_is_booked_exactly(pm_ctx):
    ctx = pm_ctx()
    result = sync_wallet_value(ctx)
    assert (result.inserted, result.quarantined) == (1, 0)
    assert _rows(ctx) == [(WHALE, Decimal("12500.25"), NOW)]  # a JSON number, every digit kept


@pytest.mark.parametrize(
    "answer",
    [
        [{"user": WHALE, "value": 12.5}],
        [{"user": WHALE, "value": "12.50"}],
        {"user": WHALE, "value": 12.5},
        [{"value": 12.5}],
    ],
    ids=["documented array", "decimal string", "single object", "no user field"],
)
def test_each_reading_of_the_answer_books_the_same_value(pm_ctx, answer):
    ctx = _faked(pm_ctx, FakePolymarket(values={WHALE: answer}))
    assert sync_wallet_value(ctx).inserted == 1
    ((wallet, value, _),) = _rows(ctx)
    assert (wallet, value) == (WHALE, Decimal("12.5"))


def test_a_row_only_when_the_value_changed(pm_ctx):
    fake = FakePolymarket(values={WHALE: [{"user": WHALE, "value": 10}]})
    ctx = _faked(pm_ctx, fake)
    clock = [NOW]
    ctx.now = lambda: clock[0]
    sync_wallet_value(ctx)
    clock[0] = NOW + timedelta(hours=1)
    assert sync_wallet_value(ctx).inserted == 0
    fake.values[WHALE] = [{"user": WHALE, "value": 0}]  # everything closed
    clock[0] = NOW + timedelta(hours=2)
    assert sync_wallet_value(ctx).inserted == 1
    assert [r[1] for r in _rows(ctx)] == [Decimal(10), Decimal(0)]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ([{"user": OTHER, "value": 5}], "not for the wallet asked"),
        ([{"user": WHALE, "value": -1}], "at least 0"),
        ([{"user": WHALE}], "value"),
    ],
    ids=["another address", "negative", "no value"],
)
def test_a_bad_answer_is_quarantined_and_the_other_wallet_loads(pm_ctx, answer, reason):
    fake = FakePolymarket(values={WHALE: answer, OTHER: [{"user": OTHER, "value": 7.25}]})
    ctx = _faked(pm_ctx, fake, TWO_WALLETS)
    result = sync_wallet_value(ctx)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert [(r[0], r[1]) for r in _rows(ctx)] == [(OTHER, Decimal("7.25"))]
    with ctx.connect() as conn:
        why, stream = conn.execute(
            "select reason, stream from ops.quarantine where source = 'polymarket'"
        ).fetchone()
    assert reason in why and stream == "wallet_value"


def test_an_empty_answer_books_nothing_and_says_so(pm_ctx):
    ctx = _faked(pm_ctx, FakePolymarket(values={WHALE: []}))
    result = sync_wallet_value(ctx)
    assert (result.inserted, result.quarantined) == (0, 0)
    assert result.notes == [f"/value said nothing for {WHALE} (empty answer)"]
    with ctx.connect() as conn:
        landed = conn.execute("select count(*) from raw.pages where endpoint = '/value'").fetchone()
    assert landed == (1,)
