"""Wire models of the Kalshi Trade API v2 responses, as documented in 2026.

Money is a fixed-point dollar string with up to 6 decimals (`*_dollars`, `fee_cost`), counts are
fixed-point strings with 2 decimals (`*_fp`). Both are parsed straight to Decimal, never through
float. The legacy integer-cent / integer-count fields were deprecated and are being removed; a
response that still carries only them is read exactly (cents / 100) so old raw pages re-normalise.
Docs: https://docs.kalshi.com/api-reference/market/get-markets, .../portfolio/get-fills,
.../portfolio/get-settlements, .../portfolio/get-positions, .../portfolio/get-balance,
.../market/get-series (Series), .../events/get-events (EventData), .../orders/get-orders (Order).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, model_validator

from ingestion.drift import UnitRule, above_one
from ingestion.wire import Wire

_DOLLARS = re.compile(r"^-?\d+(\.\d{1,6})?$")
_COUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _fixed(pattern: re.Pattern, what: str):
    def parse(value: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool | float):
            raise ValueError(f"{what} must be a fixed-point string, got {type(value).__name__}")
        if isinstance(value, int | Decimal):
            value = str(value)
        if not isinstance(value, str) or not pattern.match(value.strip()):
            raise ValueError(f"{what} {value!r} is not a fixed-point decimal string")
        return Decimal(value.strip())

    return parse


Dollars = Annotated[Decimal | None, BeforeValidator(_fixed(_DOLLARS, "dollar amount"))]
Count = Annotated[Decimal | None, BeforeValidator(_fixed(_COUNT, "contract count"))]
# A plain JSON number (the HTTP layer parses it to an exact Decimal), e.g. fee_multiplier.
Number = Annotated[Decimal | None, BeforeValidator(_fixed(_NUMBER, "number"))]


def _time(value: Any) -> datetime | None:
    """RFC 3339 strings or Unix seconds (updated_ts, last_updated_ts, legacy `ts`)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value), UTC)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    raise ValueError(f"not a timestamp: {value!r}")


Time = Annotated[datetime | None, BeforeValidator(_time)]


def _cents_fallback(data: Any, pairs: dict[str, str]) -> Any:
    """Fill `<x>_dollars` from legacy integer cents `<x>` only when the dollar field is absent."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for dollars, cents in pairs.items():
        legacy = out.get(cents)
        if out.get(dollars) is None and isinstance(legacy, int) and not isinstance(legacy, bool):
            out[dollars] = Decimal(legacy) / 100
    return out


def _count_fallback(data: Any, pairs: dict[str, str]) -> Any:
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for fp, legacy in pairs.items():
        if out.get(fp) is None and isinstance(out.get(legacy), int):
            out[fp] = out[legacy]
    return out


# Unit table (ingestion/drift.py): every price of one contract is in dollars, so in [0, 1];
# above 1 it is in cents. Totals (revenue, balance, exposure) are not prices and may exceed 1.
UNIT_RULES = (
    UnitRule("*_bid_dollars", above_one),
    UnitRule("*_ask_dollars", above_one),
    UnitRule("*price_dollars", above_one),
    UnitRule("settlement_value_dollars", above_one),
    UnitRule("value_dollars", above_one),
)


class _Wire(Wire):
    model_config = ConfigDict(extra="allow", frozen=True)
    unit_rules = UNIT_RULES


_MARKET_CENTS = ("yes_bid", "yes_ask", "no_bid", "no_ask", "last_price", "settlement_value")


class Market(_Wire):
    # the integer-cent / integer-count fields Kalshi removed: read from old raw pages, but a new
    # answer carrying them again is drift that blocks the stream
    wire_removed = frozenset({*_MARKET_CENTS, "volume", "open_interest"})
    # documented in GET /markets, not read by the market observation
    wire_known = frozenset(
        {
            "can_close_early",
            "created_time",
            "early_close_condition",
            "expected_expiration_time",
            "fractional_trading_enabled",
            "latest_expiration_time",
            "liquidity_dollars",
            "market_type",
            "notional_value_dollars",
            "previous_price_dollars",
            "price_level_structure",
            "response_price_units",
            "rules_primary",
            "rules_secondary",
            "settlement_timer_seconds",
            "subtitle",
            "tick_size",
            "volume_24h_fp",
        }
    )

    ticker: str
    event_ticker: str | None = None
    title: str | None = None
    yes_sub_title: str | None = None
    no_sub_title: str | None = None
    status: str
    yes_bid_dollars: Dollars = None
    yes_ask_dollars: Dollars = None
    no_bid_dollars: Dollars = None
    no_ask_dollars: Dollars = None
    last_price_dollars: Dollars = None
    volume_fp: Count = None
    open_interest_fp: Count = None
    result: str | None = None
    settlement_value_dollars: Dollars = None
    open_time: Time = None
    close_time: Time = None
    updated_time: Time = None
    settlement_ts: Time = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        data = _cents_fallback(data, {f"{n}_dollars": n for n in _MARKET_CENTS})
        return _count_fallback(data, {"volume_fp": "volume", "open_interest_fp": "open_interest"})


class Fill(_Wire):
    wire_removed = frozenset({"yes_price", "no_price", "count"})
    wire_known = frozenset({"trade_id", "market_ticker", "ts"})  # legacy twins, still sent

    fill_id: str
    order_id: str | None = None
    client_order_id: str | None = None
    ticker: str
    # legacy direction (deprecated, may be absent) and its replacement
    # (https://docs.kalshi.com/getting_started/order_direction)
    action: Literal["buy", "sell"] | None = None
    side: Literal["yes", "no"] | None = None
    outcome_side: Literal["yes", "no"] | None = None
    book_side: Literal["bid", "ask"] | None = None
    count_fp: Count
    yes_price_dollars: Dollars = None
    no_price_dollars: Dollars = None
    fee_cost: Dollars = None
    is_taker: bool | None = None
    created_time: Time

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            data.setdefault("fill_id", data.get("trade_id"))
            data.setdefault("ticker", data.get("market_ticker"))
            if data.get("created_time") is None and data.get("ts") is not None:
                data["created_time"] = data["ts"]
        data = _cents_fallback(
            data, {"yes_price_dollars": "yes_price", "no_price_dollars": "no_price"}
        )
        return _count_fallback(data, {"count_fp": "count"})


class Order(_Wire):
    """One order of GET /portfolio/orders, /historical/orders or GET /portfolio/orders/{id}.

    `status` is resting / canceled / executed (older responses: pending). Direction: the legacy
    pair (`action`, `side`) and, where sent, `outcome_side` / `book_side` (order-direction page),
    read like a fill's. Counts are `*_fp` strings, money `*_dollars` strings; the legacy integer
    counts and cents are read exactly when only they are present. `queue_position` (deprecated,
    moves with other traders' orders) is not state of this order and is not kept.
    """

    order_id: str
    client_order_id: str | None = None
    ticker: str
    status: str
    type: str | None = None
    action: Literal["buy", "sell"] | None = None
    side: Literal["yes", "no"] | None = None
    outcome_side: Literal["yes", "no"] | None = None
    book_side: Literal["bid", "ask"] | None = None
    yes_price_dollars: Dollars = None
    no_price_dollars: Dollars = None
    initial_count_fp: Count = None
    fill_count_fp: Count = None
    remaining_count_fp: Count = None
    taker_fees_dollars: Dollars = None
    maker_fees_dollars: Dollars = None
    taker_fill_cost_dollars: Dollars = None
    maker_fill_cost_dollars: Dollars = None
    expiration_time: Time = None
    created_time: Time
    last_update_time: Time = None

    # documented fields not kept (queue_position: see above), and the legacy cents/count twins
    # read only when the *_dollars / *_fp field is absent (both readings are handled)
    wire_known = frozenset(
        {
            "user_id",
            "order_group_id",
            "queue_position",
            "self_trade_prevention_type",
            "cancel_order_on_pause",
            "market_ticker",
            *(f"{n}_{k}" for n in ("yes", "no") for k in ("price",)),
            *(f"{n}_{k}" for n in ("taker", "maker") for k in ("fees", "fill_cost")),
            *(f"{n}_count" for n in ("initial", "fill", "remaining")),
        }
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("ticker") is None:
            data = {**data, "ticker": data.get("market_ticker")}
        money = ("yes_price", "no_price", "taker_fees", "maker_fees")
        money += ("taker_fill_cost", "maker_fill_cost")
        data = _cents_fallback(data, {f"{n}_dollars": n for n in money})
        counts = ("initial_count", "fill_count", "remaining_count")
        return _count_fallback(data, {f"{n}_fp": n for n in counts})


class Settlement(_Wire):
    wire_removed = frozenset({"yes_total_cost", "no_total_cost", "yes_count", "no_count"})
    wire_known = frozenset({"revenue", "value"})  # still documented, in cents

    ticker: str
    event_ticker: str | None = None
    market_result: str
    yes_count_fp: Count = None
    no_count_fp: Count = None
    yes_total_cost_dollars: Dollars = None
    no_total_cost_dollars: Dollars = None
    revenue_dollars: Dollars = None
    value_dollars: Dollars = None
    fee_cost: Dollars = None
    settled_time: Time

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        pairs = {
            "yes_total_cost_dollars": "yes_total_cost",
            "no_total_cost_dollars": "no_total_cost",
            "revenue_dollars": "revenue",  # documented as integer cents
            "value_dollars": "value",  # payout of one YES contract, cents
        }
        data = _cents_fallback(data, pairs)
        return _count_fallback(data, {"yes_count_fp": "yes_count", "no_count_fp": "no_count"})


class MarketPosition(_Wire):
    wire_removed = frozenset(
        {"position", "market_exposure", "realized_pnl", "fees_paid", "total_traded"}
    )

    ticker: str
    position_fp: Count  # signed: positive = YES contracts, negative = NO contracts
    market_exposure_dollars: Dollars = None
    realized_pnl_dollars: Dollars = None
    fees_paid_dollars: Dollars = None
    total_traded_dollars: Dollars = None
    last_updated_ts: Time = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        names = ("market_exposure", "realized_pnl", "fees_paid", "total_traded")
        data = _cents_fallback(data, {f"{n}_dollars": n for n in names})
        return _count_fallback(data, {"position_fp": "position"})


class Balance(_Wire):
    wire_known = frozenset({"balance", "portfolio_value"})  # still documented, in cents

    balance_dollars: Dollars
    portfolio_value_dollars: Dollars = None
    updated_ts: Time = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        pairs = {"balance_dollars": "balance", "portfolio_value_dollars": "portfolio_value"}
        return _cents_fallback(data, pairs)


class Series(_Wire):
    """GET /series/{series_ticker} -> {"series": Series}. fee_multiplier is a JSON number."""

    ticker: str
    title: str | None = None
    category: str | None = None
    frequency: str | None = None
    tags: list[str] | None = None
    settlement_sources: list[dict[str, Any]] | None = None
    contract_url: str | None = None
    contract_terms_url: str | None = None
    fee_type: str | None = None
    fee_multiplier: Number = None
    additional_prohibitions: list[str] | None = None
    product_metadata: dict[str, Any] | None = None


class Event(_Wire):
    """One EventData of GET /events. `markets` is only present with with_nested_markets=true;
    each nested market is validated on its own (as a Market) so one bad market never costs
    its event or its siblings."""

    event_ticker: str
    series_ticker: str | None = None
    title: str | None = None
    sub_title: str | None = None
    category: str | None = None  # deprecated by Kalshi in favour of the series' category
    collateral_return_type: str | None = None
    mutually_exclusive: bool | None = None
    strike_date: Time = None
    strike_period: str | None = None
    available_on_brokers: bool | None = None
    product_metadata: dict[str, Any] | None = None
    markets: list[Any] | None = None
