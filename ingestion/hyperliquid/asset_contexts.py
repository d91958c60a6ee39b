"""Perp asset contexts of `markets.hyperliquid.coins` (POST /info {"type": "metaAndAssetCtxs"}):
the mark, mid, oracle and impact prices, funding and open interest of each configured coin,
one request per run for every coin.

The answer is `[meta, contexts]`: `meta.universe[i]` names the coin whose context is
`contexts[i]` (docs: info-endpoint/perpetuals, "Retrieve perpetuals asset contexts"). Every
number is a decimal string; `midPx`, `premium` and `impactPxs` may be null (no book on a side).
Only the configured coins are kept, each as an observation (a row when its context or universe
entry changed; `observed_at` is our clock, the answer has no timestamp of its own). A context
whose mark is not a positive number is quarantined with the reason and the other coins load.
A configured coin absent from the perp universe (a spot pair, a builder-deployed dex's coin) is
named in the run's notes, never an error.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from ingestion.errors import SourceSkipped
from ingestion.hyperliquid import SOURCE
from ingestion.hyperliquid import tables as t
from ingestion.hyperliquid.client import make_client
from ingestion.loader import load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wire import Wire, exact_decimal

STREAM = "asset_contexts"


def positive_decimal(value: Any) -> Decimal | None:
    """A price that may be absent (null) but, when sent, must be a number above 0."""
    number = exact_decimal(value)
    if number is not None and number <= 0:
        raise ValueError(f"{value!r} is not a positive price")
    return number


def non_negative(value: Any) -> Decimal | None:
    number = exact_decimal(value)
    if number is not None and number < 0:
        raise ValueError(f"{value!r} is negative")
    return number


class PerpAsset(Wire):
    """`meta.universe[i]`: the coin's name and trading parameters."""

    wire_known = frozenset({"marginTableId", "marginMode"})

    name: str = Field(min_length=1)
    sz_decimals: int | None = Field(alias="szDecimals", default=None)
    max_leverage: Decimal | None = Field(alias="maxLeverage", default=None)
    only_isolated: bool | None = Field(alias="onlyIsolated", default=None)
    is_delisted: bool | None = Field(alias="isDelisted", default=None)

    _lev = field_validator("max_leverage", mode="before")(positive_decimal)


class AssetCtx(Wire):
    """`contexts[i]`: the coin's market now. markPx is required and positive (it marks our
    positions); the other prices may be null but never 0 or negative."""

    mark_px: Decimal = Field(alias="markPx")
    mid_px: Decimal | None = Field(alias="midPx", default=None)
    oracle_px: Decimal | None = Field(alias="oraclePx", default=None)
    funding: Decimal | None = None
    premium: Decimal | None = None
    open_interest: Decimal | None = Field(alias="openInterest", default=None)
    day_ntl_vlm: Decimal | None = Field(alias="dayNtlVlm", default=None)
    day_base_vlm: Decimal | None = Field(alias="dayBaseVlm", default=None)
    prev_day_px: Decimal | None = Field(alias="prevDayPx", default=None)
    impact_pxs: tuple[Decimal, Decimal] | None = Field(alias="impactPxs", default=None)

    _price = field_validator("mid_px", "oracle_px", mode="before")(positive_decimal)
    _signed = field_validator("funding", "premium", mode="before")(exact_decimal)
    _size = field_validator(
        "open_interest", "day_ntl_vlm", "day_base_vlm", "prev_day_px", mode="before"
    )(non_negative)

    @field_validator("mark_px", mode="before")
    @classmethod
    def _mark(cls, v: Any) -> Decimal:
        number = positive_decimal(v)
        if number is None:
            raise ValueError("markPx is missing")
        return number

    @field_validator("impact_pxs", mode="before")
    @classmethod
    def _impact(cls, v: Any) -> tuple[Decimal, Decimal] | None:
        if v is None:
            return None
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise ValueError(f"impactPxs {v!r} is not [bid, ask]")
        bid, ask = (positive_decimal(p) for p in v)
        return None if bid is None or ask is None else (bid, ask)


def asset_context_row(item: dict, observed_at: datetime) -> dict:
    """One configured coin's `{"universe": ..., "ctx": ...}` as a ledger row."""
    asset = PerpAsset.model_validate(item["universe"])
    ctx = AssetCtx.model_validate(item["ctx"])
    impact_bid, impact_ask = ctx.impact_pxs or (None, None)
    return {
        "coin": asset.name,
        "mark_px": ctx.mark_px,
        "mid_px": ctx.mid_px,
        "oracle_px": ctx.oracle_px,
        "funding": ctx.funding,
        "premium": ctx.premium,
        "open_interest": ctx.open_interest,
        "day_ntl_vlm": ctx.day_ntl_vlm,
        "day_base_vlm": ctx.day_base_vlm,
        "prev_day_px": ctx.prev_day_px,
        "impact_bid_px": impact_bid,
        "impact_ask_px": impact_ask,
        "sz_decimals": asset.sz_decimals,
        "max_leverage": asset.max_leverage,
        "only_isolated": asset.only_isolated,
        "is_delisted": asset.is_delisted,
        "observed_at": observed_at,
    }


def configured_contexts(payload: list, coins: list[str]) -> tuple[list[dict], list[str]]:
    """The (universe entry, context) pairs of the configured coins, and the coins not listed."""
    universe, contexts = payload[0]["universe"], payload[1]
    by_coin = {
        entry.get("name"): {"universe": entry, "ctx": ctx}
        for entry, ctx in zip(universe, contexts, strict=True)
        if isinstance(entry, dict)
    }
    return [by_coin[c] for c in coins if c in by_coin], [c for c in coins if c not in by_coin]


def sync_asset_contexts(ctx: SyncContext, **client_kw) -> SyncResult:
    coins = list(dict.fromkeys(ctx.settings.config.markets.hyperliquid.coins))
    if not coins:
        raise SourceSkipped("markets.hyperliquid.coins is empty in tradelake.yaml")
    result = SyncResult(SOURCE, STREAM)
    client = make_client(ctx.settings, ctx.transport(SOURCE), ctx.lander, **client_kw)
    try:
        observed_at = ctx.now()
        page = client.meta_and_asset_ctxs()
    finally:
        client.close()
    items, unlisted = configured_contexts(page.payload, coins)
    if unlisted:
        result.notes.append(
            f"hyperliquid metaAndAssetCtxs: {', '.join(unlisted)} not in the perp universe "
            "(no asset context; spot pairs and other dexes' coins have none here)"
        )
    rows, bad = partition(
        items,
        lambda item: asset_context_row(item, observed_at),
        source=SOURCE,
        stream=STREAM,
        page_id=page.page_id,
    )
    with ctx.connect() as conn:
        result.add(load(conn, t.ASSET_CONTEXTS, rows, page_id=page.page_id, rejects=bad))
    return result
