"""Perp asset contexts (metaAndAssetCtxs) through real httpx against the in-process fake: parsed
exactly (null midPx / impactPxs kept as NULL), only the configured coins kept, a bad mark
quarantined while its page-mates load, an unchanged context not appended again and a changed
one appended; the recorded demo answer replays."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ingestion.errors import VenueError
from ingestion.hyperliquid.asset_contexts import sync_asset_contexts
from tests.hyperliquid.conftest import NOW
from tests.hyperliquid.fake_api import FakeHyperliquid, make_asset_ctx, meta_and_asset_ctxs

CONFIG = {"sync_start": "2025-11-01T00:00:00Z",
          "markets": {"hyperliquid": {"coins": ["BTC", "ETH", "HPOS", "XYZ"]}}}  # fmt: skip
COLUMNS = (
    "coin, mark_px, mid_px, oracle_px, funding, premium, open_interest, day_ntl_vlm, "
    "day_base_vlm, prev_day_px, impact_bid_px, impact_ask_px, sz_decimals, max_leverage, "
    "observed_at"
)


def _ctx(hl_ctx, fake, clock, config=CONFIG):
    ctx = hl_ctx(config)
    ctx.transport = lambda source: fake.transport()
    ctx.now = lambda: clock[0]
    return ctx


def _rows(ctx) -> list[tuple]:
    with ctx.connect() as conn:
        return conn.execute(
            f"select {COLUMNS} from ledger.hyperliquid_asset_context_observations "
            "order by observed_at, coin"
        ).fetchall()


def _answer(**contexts) -> list:
    return meta_and_asset_ctxs(contexts)


def test_contexts_are_parsed_exactly_and_a_null_mid_is_kept_as_null(hl_ctx):
    answer = _answer(
        BTC=make_asset_ctx("100601.0"),
        SOL=make_asset_ctx("141.22"),  # not configured: not kept
        HPOS=make_asset_ctx("0.0412", midPx=None, impactPxs=None, premium=None),
    )
    fake = FakeHyperliquid(asset_ctxs=answer)
    ctx = _ctx(hl_ctx, fake, [NOW])
    result = sync_asset_contexts(ctx)
    assert fake.bodies == [{"type": "metaAndAssetCtxs"}]
    assert (result.inserted, result.quarantined) == (2, 0)
    # ETH and XYZ are configured but not in this universe: named, not an error
    assert any("ETH, XYZ not in the perp universe" in n for n in result.notes)
    d = Decimal
    assert _rows(ctx) == [
        ("BTC", d("100601.0"), d("100001.0"), d("100020.0"), d("0.0000125"), d("0.00031774"),
         d("688.11"), d("1169046.29406"), d("11.69"), d("98000.0"), d("99990.0"), d("100010.0"),
         5, d(40), NOW),
        ("HPOS", d("0.0412"), None, d("100020.0"), d("0.0000125"), None, d("688.11"),
         d("1169046.29406"), d("11.69"), d("98000.0"), None, None, 5, d(40), NOW),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("mark", "reason"),
    [("abc", "not a decimal number"), ("0.0", "not a positive price"), (None, "markPx")],
)
def test_a_bad_mark_is_quarantined_with_the_reason_and_page_mates_load(hl_ctx, mark, reason):
    answer = _answer(BTC=make_asset_ctx("100601.0"), ETH=make_asset_ctx(mark))
    ctx = _ctx(hl_ctx, FakeHyperliquid(asset_ctxs=answer), [NOW])
    result = sync_asset_contexts(ctx)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert [r[0] for r in _rows(ctx)] == ["BTC"]
    with ctx.connect() as conn:
        reasons = conn.execute(
            "select reason, payload from ops.quarantine where source = 'hyperliquid' "
            "and stream = 'asset_contexts'"
        ).fetchall()
    assert len(reasons) == 1
    assert reason in reasons[0][0]
    assert reasons[0][1]["universe"]["name"] == "ETH"


def test_an_unchanged_context_is_not_appended_and_a_changed_one_is(hl_ctx):
    fake = FakeHyperliquid(asset_ctxs=_answer(BTC=make_asset_ctx("100601.0")))
    clock = [NOW]
    ctx = _ctx(hl_ctx, fake, clock)
    assert sync_asset_contexts(ctx).inserted == 1
    clock[0] = NOW + timedelta(minutes=5)
    assert sync_asset_contexts(ctx).inserted == 0  # same content, later clock: nothing new
    fake.asset_ctxs = _answer(BTC=make_asset_ctx("100650.0"))
    clock[0] = NOW + timedelta(minutes=10)
    assert sync_asset_contexts(ctx).inserted == 1
    fake.asset_ctxs = _answer(BTC=make_asset_ctx("100601.0"))  # back to A: a new version
    clock[0] = NOW + timedelta(minutes=15)
    assert sync_asset_contexts(ctx).inserted == 1
    assert [(r[1], r[-1]) for r in _rows(ctx)] == [
        (Decimal("100601.0"), NOW),
        (Decimal("100650.0"), NOW + timedelta(minutes=10)),
        (Decimal("100601.0"), NOW + timedelta(minutes=15)),
    ]


def test_an_answer_whose_arrays_cannot_be_paired_fails_the_run_and_stays_raw(hl_ctx):
    answer = _answer(BTC=make_asset_ctx(), ETH=make_asset_ctx())
    answer[1] = answer[1][:1]  # two coins, one context
    ctx = _ctx(hl_ctx, FakeHyperliquid(asset_ctxs=answer), [NOW])
    with pytest.raises(VenueError, match="2 universe entries but 1 contexts"):
        sync_asset_contexts(ctx)
    assert _rows(ctx) == []


def test_the_recorded_answer_replays(hl_ctx):
    ctx = hl_ctx({**CONFIG, "markets": {"hyperliquid": {"coins": ["BTC", "ETH", "HPOS"]}}})
    result = sync_asset_contexts(ctx)
    assert (result.inserted, result.quarantined) == (3, 0)
    rows = {r[0]: r for r in _rows(ctx)}
    assert rows["BTC"][1:3] == (Decimal("100601.0"), Decimal("100601.5"))
    assert rows["ETH"][10:12] == (Decimal("3862.4"), Decimal("3862.9"))
    assert rows["HPOS"][2] is None and rows["HPOS"][10:12] == (None, None)
