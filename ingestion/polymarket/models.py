"""Wire models for the three Polymarket APIs, as documented (see docs/sources/polymarket.md).

Numbers arrive in three encodings: Gamma sends decimal strings ("0.515") and JSON numbers, and
packs outcomes, outcomePrices and clobTokenIds as JSON *inside* strings; the Data API sends JSON
numbers and epoch seconds; the CLOB sends `{t: epoch seconds, p: number}`. The HTTP layer parses
numbers exactly (Decimal / int), and every id is kept as text: a 78-digit token id never becomes
a float.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from ingestion.drift import UnitRule, above_one
from ingestion.wire import (
    Wire,
    datetime_from_epoch_seconds,
    exact_decimal,
    exact_text,
    non_negative_decimal,
)


def decode_json_list(value: Any, field: str) -> list[Any]:
    """Decode a JSON array sent inside a string (Gamma's outcomes/outcomePrices/clobTokenIds).

    Integers stay text and decimals stay Decimal, so a token id sent as a bare number survives.
    A list already decoded (the other reading of the docs) is accepted as it is.
    """
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected a JSON array in a string, got {type(value).__name__}")
    try:
        decoded = json.loads(value, parse_float=Decimal, parse_int=str)
    except ValueError as exc:
        raise ValueError(f"{field}: malformed JSON in string ({exc.msg})") from None
    if not isinstance(decoded, list):
        raise ValueError(f"{field}: expected a JSON array, got {type(decoded).__name__}")
    return decoded


def lenient_index(value: Any) -> int | None:
    """outcomeIndex is advisory: unusable values (blank, negative, odd types) become None, and
    the outcome is resolved from the token id instead of quarantining a good trade."""
    try:
        index = int(str(value))
    except (TypeError, ValueError):
        return None
    return index if index >= 0 else None


def prices_above_one(value: Any) -> str | None:
    """outcomePrices, a JSON array (usually inside a string) of prices in [0, 1]."""
    try:
        prices = decode_json_list(value, "outcomePrices")
    except ValueError:
        return None
    return next((why for why in map(above_one, prices) if why), None)


# Unit table (ingestion/drift.py): a price of one outcome share is in USDC, in [0, 1].
UNIT_RULES = (
    UnitRule("price", above_one),
    UnitRule("p", above_one),
    UnitRule("bestBid", above_one),
    UnitRule("bestAsk", above_one),
    UnitRule("lastTradePrice", above_one),
    UnitRule("outcomePrices", prices_above_one),
)
_LIST_IN_STRING = frozenset({"string", "array"})
# the trader's public profile, sent with every Data API trade and activity row
_PROFILE = frozenset({"bio", "icon", "name", "profileImage", "profileImageOptimized", "pseudonym"})


class GammaEventRef(Wire):
    wire_known = frozenset({"title"})

    id: str | None = None
    slug: str | None = None

    _text = field_validator("id", mode="before")(lambda v: None if v is None else exact_text(v))


class GammaMarket(Wire):
    """One market of GET /markets/keyset (or embedded in an event)."""

    unit_rules = UNIT_RULES
    wire_kinds = dict.fromkeys(("outcomes", "outcomePrices", "clobTokenIds"), _LIST_IN_STRING)
    wire_known = frozenset(
        {
            "closedTime",
            "enableOrderBook",
            "gameStartTime",
            "lastTradePrice",
            "negRisk",
            "sportsMarketType",
        }
    )

    id: str
    condition_id: str = Field(alias="conditionId", min_length=3)
    slug: str | None = None
    question: str | None = None
    outcomes: list[str]
    outcome_prices: list[Decimal | None] = Field(alias="outcomePrices", default_factory=list)
    clob_token_ids: list[str] = Field(alias="clobTokenIds")
    active: bool | None = None
    closed: bool | None = None
    archived: bool | None = None
    end_date: datetime | None = Field(alias="endDate", default=None)
    start_date: datetime | None = Field(alias="startDate", default=None)
    volume: Decimal | None = None
    volume_num: Decimal | None = Field(alias="volumeNum", default=None)
    best_bid: Decimal | None = Field(alias="bestBid", default=None)
    best_ask: Decimal | None = Field(alias="bestAsk", default=None)
    uma_resolution_status: str | None = Field(alias="umaResolutionStatus", default=None)
    events: list[GammaEventRef] = Field(default_factory=list)

    _id = field_validator("id", mode="before")(exact_text)

    @field_validator("outcomes", mode="before")
    @classmethod
    def _outcomes(cls, v: Any) -> list[str]:
        return [str(x) for x in decode_json_list(v, "outcomes")]

    @field_validator("outcome_prices", mode="before")
    @classmethod
    def _prices(cls, v: Any) -> list[Decimal | None]:
        if v is None:
            return []
        return [exact_decimal(x) for x in decode_json_list(v, "outcomePrices")]

    @field_validator("clob_token_ids", mode="before")
    @classmethod
    def _tokens(cls, v: Any) -> list[str]:
        return [exact_text(x) for x in decode_json_list(v, "clobTokenIds")]

    @field_validator("volume", "volume_num", "best_bid", "best_ask", mode="before")
    @classmethod
    def _decimal(cls, v: Any) -> Decimal | None:
        return exact_decimal(v)


class DataTrade(Wire):
    """One row of GET /trades (Data API)."""

    unit_rules = UNIT_RULES
    wire_known = _PROFILE

    proxy_wallet: str = Field(alias="proxyWallet")
    side: str
    asset: str
    condition_id: str | None = Field(alias="conditionId", default=None)
    size: Decimal
    price: Decimal
    timestamp: datetime
    title: str | None = None
    slug: str | None = None
    event_slug: str | None = Field(alias="eventSlug", default=None)
    outcome: str | None = None
    outcome_index: int | None = Field(alias="outcomeIndex", default=None)
    transaction_hash: str = Field(alias="transactionHash", min_length=3)

    _asset = field_validator("asset", mode="before")(exact_text)
    _ts = field_validator("timestamp", mode="before")(datetime_from_epoch_seconds)
    _num = field_validator("size", "price", mode="before")(exact_decimal)
    _idx = field_validator("outcome_index", mode="before")(lambda v: lenient_index(v))


class DataActivity(Wire):
    """One row of GET /activity (Data API). Non-trade rows may have empty market fields."""

    unit_rules = UNIT_RULES
    wire_known = _PROFILE

    proxy_wallet: str = Field(alias="proxyWallet")
    timestamp: datetime
    type: str
    condition_id: str | None = Field(alias="conditionId", default=None)
    size: Decimal | None = None
    usdc_size: Decimal | None = Field(alias="usdcSize", default=None)
    transaction_hash: str | None = Field(alias="transactionHash", default=None)
    price: Decimal | None = None
    asset: str | None = None
    side: str | None = None
    outcome_index: int | None = Field(alias="outcomeIndex", default=None)
    title: str | None = None
    slug: str | None = None
    event_slug: str | None = Field(alias="eventSlug", default=None)
    outcome: str | None = None

    _ts = field_validator("timestamp", mode="before")(datetime_from_epoch_seconds)
    _num = field_validator("size", "usdc_size", "price", mode="before")(exact_decimal)
    _idx = field_validator("outcome_index", mode="before")(lambda v: lenient_index(v))

    @field_validator("asset", "condition_id", "side", "transaction_hash", "outcome", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> str | None:
        return None if v is None or v == "" else exact_text(v)


class PricePoint(Wire):
    """One point of GET /prices-history (CLOB): t = epoch seconds, p = price."""

    unit_rules = UNIT_RULES

    t: datetime
    p: Decimal

    _ts = field_validator("t", mode="before")(datetime_from_epoch_seconds)
    _num = field_validator("p", mode="before")(exact_decimal)


class DataValue(Wire):
    """One element of GET /value (Data API): `value` is the current value of the user's open
    positions in USDC (a JSON number in the docs' schema; a decimal string is accepted too)."""

    user: str | None = None
    value: Decimal

    _value = field_validator("value", mode="before")(non_negative_decimal)

    @field_validator("user", mode="before")
    @classmethod
    def _user(cls, v: Any) -> str | None:
        return None if v is None or v == "" else exact_text(v).lower()


def value_entries(payload: Any) -> list[Any]:
    """GET /value answers an array of {user, value} (one element per user asked); an answer
    that is a single object is read as a one-element array rather than lost."""
    if isinstance(payload, list):
        return payload
    return [payload]
