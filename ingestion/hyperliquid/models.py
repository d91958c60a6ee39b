"""Wire models for the Hyperliquid info endpoint, as documented (docs/sources/hyperliquid.md).

Numbers arrive as decimal strings ("18.435"), ids (`tid`, `oid`) as bare JSON integers that can
exceed 2^53, times as epoch milliseconds. The shared HTTP layer parses JSON numbers exactly
(int / Decimal); here every id becomes text and every amount a Decimal, never a float.
Models are lenient: unknown fields are ignored and optional fields may be absent (the venue adds
fields over time, e.g. `builderFee`, `cloid`, `twapId`), but a fill without the fields we need
to book it (coin, px, sz, side, time, tid) is rejected and quarantined.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from ingestion.drift import UnitRule, epoch_seconds
from ingestion.wire import (
    Wire,
    datetime_from_epoch_ms,
    exact_decimal,
    exact_text,
    non_negative_decimal,
    optional_datetime_from_epoch_ms,
    optional_text,
)


class Liquidation(Wire):
    """Present only on fills that were part of a liquidation."""

    liquidated_user: str | None = Field(alias="liquidatedUser", default=None)
    mark_px: Decimal | None = Field(alias="markPx", default=None)
    method: str | None = None  # "market" (order book) or "backstop" (clearinghouse)

    _num = field_validator("mark_px", mode="before")(exact_decimal)


class Fill(Wire):
    """One element of the userFills / userFillsByTime response array."""

    unit_rules = (UnitRule("time", epoch_seconds),)  # documented in ms (ingestion/drift.py)

    coin: str = Field(min_length=1)
    px: Decimal
    sz: Decimal
    side: str
    time: datetime
    tid: str
    oid: str | None = None
    hash: str | None = None
    start_position: Decimal | None = Field(alias="startPosition", default=None)
    dir: str | None = None
    closed_pnl: Decimal | None = Field(alias="closedPnl", default=None)
    crossed: bool | None = None
    fee: Decimal | None = None
    fee_token: str | None = Field(alias="feeToken", default=None)
    builder_fee: Decimal | None = Field(alias="builderFee", default=None)
    cloid: str | None = None
    twap_id: str | None = Field(alias="twapId", default=None)
    liquidation: Liquidation | None = None

    _time = field_validator("time", mode="before")(datetime_from_epoch_ms)
    _ids = field_validator("tid", mode="before")(exact_text)
    _opt_ids = field_validator("oid", "cloid", "twap_id", "hash", mode="before")(optional_text)

    @field_validator("px", "sz", mode="before")
    @classmethod
    def _positive(cls, v: Any) -> Decimal:
        number = exact_decimal(v)
        if number is None or number <= 0:
            raise ValueError(f"{v!r} must be a positive decimal")
        return number

    @field_validator("start_position", "closed_pnl", "fee", "builder_fee", mode="before")
    @classmethod
    def _decimal(cls, v: Any) -> Decimal | None:
        return exact_decimal(v)

    @field_validator("side", mode="before")
    @classmethod
    def _side(cls, v: Any) -> str:
        side = str(v).strip().upper()
        if side not in {"B", "A"}:
            raise ValueError(f"side {v!r} is neither B (bid/buy) nor A (ask/sell)")
        return side


class SpotToken(Wire):
    name: str
    index: int


class SpotPair(Wire):
    name: str
    tokens: list[int]
    index: int | None = None


class SpotMeta(Wire):
    """POST {"type": "spotMeta"}: tokens and the spot universe (pairs of token indices)."""

    tokens: list[SpotToken] = Field(default_factory=list)
    universe: list[SpotPair] = Field(default_factory=list)

    @field_validator("tokens", "universe", mode="before")
    @classmethod
    def _keep_valid(cls, v: Any, info) -> list:
        """One odd entry must not cost us every symbol: keep the entries that parse."""
        model = SpotToken if info.field_name == "tokens" else SpotPair
        kept = []
        for item in v or []:
            try:
                kept.append(model.model_validate(item))
            except ValueError:
                continue
        return kept

    def symbols(self) -> dict[str, str]:
        """Coin as it appears on fills -> readable pair name.

        Spot fills use `@{index}` (index of the pair in the universe, from its `index` field;
        its array position when absent), except PURR whose coin is already `PURR/USDC`.
        The readable name is BASE/QUOTE from the pair's token indices.
        """
        names = {t.index: t.name for t in self.tokens}
        out: dict[str, str] = {}
        for position, pair in enumerate(self.universe):
            index = pair.index if pair.index is not None else position
            readable = pair.name
            if len(pair.tokens) == 2 and all(t in names for t in pair.tokens):
                readable = f"{names[pair.tokens[0]]}/{names[pair.tokens[1]]}"
            out[f"@{index}"] = readable
            if not pair.name.startswith("@"):
                out[pair.name] = pair.name
        return out


class MarginSummary(Wire):
    """`marginSummary` of clearinghouseState: the whole perp account (cross and isolated)."""

    wire_known = frozenset({"totalRawUsd"})

    account_value: Decimal = Field(alias="accountValue")
    total_ntl_pos: Decimal | None = Field(alias="totalNtlPos", default=None)
    total_margin_used: Decimal | None = Field(alias="totalMarginUsed", default=None)

    _equity = field_validator("account_value", mode="before")(non_negative_decimal)

    _num = field_validator("total_ntl_pos", "total_margin_used", mode="before")(exact_decimal)


class ClearinghouseState(Wire):
    """POST {"type": "clearinghouseState", "user"}: a user's perpetuals account summary.

    Only the account summary is read here (a tracked wallet's equity); `assetPositions` are left
    for the own-positions stream. `time` is the venue's clock in ms, absent in some answers.
    """

    margin_summary: MarginSummary = Field(alias="marginSummary")
    unit_rules = (UnitRule("time", epoch_seconds),)
    wire_known = frozenset({"assetPositions", "crossMaintenanceMarginUsed", "crossMarginSummary"})

    withdrawable: Decimal | None = None
    time: datetime | None = None

    _num = field_validator("withdrawable", mode="before")(exact_decimal)
    _time = field_validator("time", mode="before")(optional_datetime_from_epoch_ms)


class Candle(Wire):
    """One element of the candleSnapshot answer: `t`/`T` open/close time (ms; T is the candle's
    last millisecond), `s` coin, `i` interval, o/h/l/c prices and `v` volume (base units) as
    decimal strings, `n` number of trades."""

    open_time: datetime = Field(alias="t")
    close_time: datetime = Field(alias="T")
    coin: str = Field(alias="s", min_length=1)
    interval: str = Field(alias="i", min_length=1)
    open: Decimal = Field(alias="o")
    high: Decimal = Field(alias="h")
    low: Decimal = Field(alias="l")
    close: Decimal = Field(alias="c")
    volume: Decimal = Field(alias="v")
    trades: int | None = Field(alias="n", default=None)

    _time = field_validator("open_time", "close_time", mode="before")(datetime_from_epoch_ms)
    _num = field_validator("open", "high", "low", "close", "volume", mode="before")(exact_decimal)


class Leverage(Wire):
    """`leverage` of a position: `type` cross or isolated, `value` the multiple (an integer);
    isolated positions also carry `rawUsd`."""

    wire_known = frozenset({"rawUsd"})

    type: str
    value: Decimal

    _num = field_validator("value", mode="before")(exact_decimal)


class CumFunding(Wire):
    """`cumFunding` of a position, USDC: funding since the account first held the coin, since
    this position opened and since its size last changed. Positive = the account paid (a long
    paying a positive rate adds to it; userFunding shows the same payment as a negative `usdc`)."""

    all_time: Decimal | None = Field(alias="allTime", default=None)
    since_open: Decimal | None = Field(alias="sinceOpen", default=None)
    since_change: Decimal | None = Field(alias="sinceChange", default=None)

    _num = field_validator("all_time", "since_open", "since_change", mode="before")(exact_decimal)


class Position(Wire):
    """`assetPositions[].position` of clearinghouseState: one open perpetual position.

    `szi` is the signed size in the coin (negative = short) and must be a number: a position
    whose size we cannot read is quarantined, never booked as flat. `liquidationPx` is null when
    the account cannot be liquidated at any price."""

    wire_known = frozenset({"returnOnEquity", "maxLeverage"})

    coin: str = Field(min_length=1)
    szi: Decimal
    leverage: Leverage | None = None
    entry_px: Decimal | None = Field(alias="entryPx", default=None)
    position_value: Decimal | None = Field(alias="positionValue", default=None)
    unrealized_pnl: Decimal | None = Field(alias="unrealizedPnl", default=None)
    liquidation_px: Decimal | None = Field(alias="liquidationPx", default=None)
    margin_used: Decimal | None = Field(alias="marginUsed", default=None)
    cum_funding: CumFunding | None = Field(alias="cumFunding", default=None)

    _num = field_validator(
        "entry_px", "position_value", "unrealized_pnl", "liquidation_px", "margin_used",
        mode="before",
    )(exact_decimal)  # fmt: skip

    @field_validator("szi", mode="before")
    @classmethod
    def _size(cls, v: Any) -> Decimal:
        number = exact_decimal(v)
        if number is None:
            raise ValueError(f"szi {v!r} is not a signed decimal size")
        return number


class AssetPosition(Wire):
    """One element of clearinghouseState `assetPositions`: `type` ("oneWay") and `position`."""

    type: str | None = None
    position: dict[str, Any]


class FundingDelta(Wire):
    """`delta` of a userFunding entry: `usdc` the account's cash change (negative = it paid),
    `szi` the signed position size charged, `fundingRate` the hourly rate, `nSamples` (not in
    every answer)."""

    type: str
    coin: str = Field(min_length=1)
    usdc: Decimal
    szi: Decimal | None = None
    funding_rate: Decimal | None = Field(alias="fundingRate", default=None)
    n_samples: int | None = Field(alias="nSamples", default=None)

    _num = field_validator("usdc", "szi", "funding_rate", mode="before")(exact_decimal)

    @field_validator("type")
    @classmethod
    def _funding(cls, v: str) -> str:
        if v != "funding":
            raise ValueError(f"delta type {v!r} is not a funding payment")
        return v


class UserFunding(Wire):
    """One element of the userFunding answer: `time` (ms), `hash`, `delta`."""

    unit_rules = (UnitRule("time", epoch_seconds),)

    time: datetime
    hash: str | None = None
    delta: FundingDelta

    _time = field_validator("time", mode="before")(datetime_from_epoch_ms)
    _hash = field_validator("hash", mode="before")(optional_text)


class OrderDetails(Wire):
    """`order` of a historicalOrders entry (the frontend order shape)."""

    wire_known = frozenset(
        {"children", "isPositionTpsl", "isTrigger", "tif", "triggerCondition", "triggerPx"}
    )

    coin: str = Field(min_length=1)
    side: str
    limit_px: Decimal | None = Field(alias="limitPx", default=None)
    sz: Decimal | None = None  # remaining size
    orig_sz: Decimal | None = Field(alias="origSz", default=None)
    oid: str
    cloid: str | None = None
    timestamp: datetime
    order_type: str | None = Field(alias="orderType", default=None)
    reduce_only: bool | None = Field(alias="reduceOnly", default=None)

    _time = field_validator("timestamp", mode="before")(datetime_from_epoch_ms)
    _ids = field_validator("oid", mode="before")(exact_text)
    _opt_ids = field_validator("cloid", mode="before")(optional_text)

    @field_validator("limit_px", "sz", "orig_sz", mode="before")
    @classmethod
    def _decimal(cls, v: Any) -> Decimal | None:
        return exact_decimal(v)


class HistoricalOrder(Wire):
    """One entry of POST /info {"type": "historicalOrders", "user"}: the order, its status and
    when that status was set (at most the 2000 most recent orders)."""

    order: OrderDetails
    status: str = Field(min_length=1)
    status_timestamp: datetime = Field(alias="statusTimestamp")

    _time = field_validator("status_timestamp", mode="before")(datetime_from_epoch_ms)
