"""Wire models -> ledger rows, applying the unit rules of CONTRACT §4.

Anything that breaks a rule raises ValueError with the reason; `ingestion.quarantine.partition`
turns that into an ops.quarantine row while the page-mates load. Nothing is defaulted to 0.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from ingestion.kalshi.models import (
    Balance,
    Event,
    Fill,
    Market,
    MarketPosition,
    Order,
    Series,
    Settlement,
)

ONE = Decimal(1)

# https://docs.kalshi.com/getting_started/market_lifecycle: response statuses, plus the filter
# vocabulary (open/closed/settled/unopened/paused) which some older responses echo back.
STATUS = {
    "initialized": "open",
    "unopened": "open",
    "active": "open",
    "open": "open",
    "inactive": "open",  # paused by the exchange, not closed
    "paused": "open",
    "closed": "closed",
    "determined": "closed",  # result known, payout not made yet
    "disputed": "closed",
    "amended": "closed",
    "finalized": "settled",
    "settled": "settled",
}


def _price(value: Decimal | None, name: str) -> Decimal | None:
    if value is not None and not (0 <= value <= 1):
        raise ValueError(f"{name} {value} is outside [0, 1] dollars")
    return value


def _nonneg(value: Decimal | None, name: str) -> Decimal | None:
    if value is not None and value < 0:
        raise ValueError(f"{name} {value} is negative")
    return value


def series_of(event_ticker: str | None) -> str | None:
    return event_ticker.split("-", 1)[0] if event_ticker else None


def market_row(m: Market, observed_at: datetime) -> dict[str, Any]:
    status = STATUS.get(m.status.lower())
    if status is None:
        raise ValueError(f"unknown market status {m.status!r}")
    trading = status == "open"
    settled = status == "settled"
    yes_value = _price(m.settlement_value_dollars, "settlement_value_dollars") if settled else None
    return {
        "ticker": m.ticker,
        "event_ticker": m.event_ticker,
        "series_ticker": series_of(m.event_ticker),
        "title": m.title,
        "yes_sub_title": m.yes_sub_title,
        "no_sub_title": m.no_sub_title,
        "status": status,
        "status_raw": m.status,
        # a closed book's bid/ask is not a price: only kept while the market trades
        "yes_bid": _price(m.yes_bid_dollars, "yes_bid_dollars") if trading else None,
        "yes_ask": _price(m.yes_ask_dollars, "yes_ask_dollars") if trading else None,
        "no_bid": _price(m.no_bid_dollars, "no_bid_dollars") if trading else None,
        "no_ask": _price(m.no_ask_dollars, "no_ask_dollars") if trading else None,
        "last_price": _price(m.last_price_dollars, "last_price_dollars"),
        "volume": _nonneg(m.volume_fp, "volume_fp"),
        "open_interest": _nonneg(m.open_interest_fp, "open_interest_fp"),
        "result": (m.result or None) if settled else None,
        "settlement_value": yes_value,
        "open_time": m.open_time,
        "close_time": m.close_time,
        "settled_at": m.settlement_ts if settled else None,
        "venue_updated_at": m.updated_time,
        "observed_at": observed_at,
    }


# (action, side) -> outcome_side, from the equivalence table of the order-direction page
_EXPOSURE = {
    ("buy", "yes"): "yes",
    ("sell", "no"): "yes",
    ("buy", "no"): "no",
    ("sell", "yes"): "no",
}


def fill_row(f: Fill, account: str) -> dict[str, Any]:
    """The outcome actually bought or sold, at that outcome's own price.

    With the legacy pair (action, side) that is exactly (side=action, outcome=side). Without it
    (removed from responses), outcome_side/book_side only say which outcome the account became
    long: a fill is then recorded as a buy of that outcome at its own price (buy NO at 0.38 and
    sell YES at 0.62 are the same trade on Kalshi's single book).
    """
    direction = f.outcome_side or {"bid": "yes", "ask": "no"}.get(f.book_side or "")
    if f.action and f.side:
        if direction and _EXPOSURE[(f.action, f.side)] != direction:
            raise ValueError(
                f"direction fields disagree: action={f.action} side={f.side} "
                f"outcome_side={f.outcome_side} book_side={f.book_side}"
            )
        side, outcome = f.action, f.side
    elif direction:
        side, outcome = "buy", direction
    else:
        raise ValueError("fill has no direction (neither action/side nor outcome_side/book_side)")
    price = f.yes_price_dollars if outcome == "yes" else f.no_price_dollars
    if price is None:
        raise ValueError(f"missing price: {outcome}_price_dollars is absent")
    _price(price, f"{outcome}_price_dollars")
    _price(f.yes_price_dollars, "yes_price_dollars")
    _price(f.no_price_dollars, "no_price_dollars")
    if f.count_fp is None or f.count_fp <= 0:
        raise ValueError(f"count_fp {f.count_fp} must be a positive contract count")
    return {
        "account": account,
        "fill_id": f.fill_id,
        "order_id": f.order_id,
        "client_order_id": f.client_order_id,
        "ticker": f.ticker,
        "outcome": outcome,
        "side": side,
        "price": price,
        "quantity": f.count_fp,
        "fee": f.fee_cost,  # Kalshi reports fees paid as positive dollars
        "is_taker": f.is_taker,
        "action_raw": f.action,
        "side_raw": f.side,
        "outcome_side": f.outcome_side,
        "book_side": f.book_side,
        "yes_price": f.yes_price_dollars,
        "no_price": f.no_price_dollars,
        "executed_at": f.created_time,
    }


# https://docs.kalshi.com/api-reference/orders/get-orders: resting / canceled / executed
# (`pending` in older responses); mapped to CONTRACT §5's set, the raw value kept beside it.
ORDER_STATUS = {"resting": "resting", "pending": "resting", "canceled": "canceled",
                "cancelled": "canceled", "executed": "filled"}  # fmt: skip


def _sum(*values: Decimal | None) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _direction(action, side, outcome_side, book_side) -> tuple[str, str]:
    """(side, outcome) as for a fill: the legacy pair when sent, else a buy of the outcome the
    order makes the account long (outcome_side, or book_side bid = YES, ask = NO)."""
    direction = outcome_side or {"bid": "yes", "ask": "no"}.get(book_side or "")
    if action and side:
        if direction and _EXPOSURE[(action, side)] != direction:
            raise ValueError(
                f"direction fields disagree: action={action} side={side} "
                f"outcome_side={outcome_side} book_side={book_side}"
            )
        return action, side
    if direction:
        return "buy", direction
    raise ValueError("order has no direction (neither action/side nor outcome_side/book_side)")


def order_row(o: Order, account: str, observed_at: datetime) -> dict[str, Any]:
    """One observation of an own order. `observed_at` is our clock; the venue's
    `last_update_time` is content kept as `venue_updated_at` but not part of the version (a
    cancel does not always move it)."""
    status = ORDER_STATUS.get(o.status.lower())
    if status is None:
        raise ValueError(f"unknown order status {o.status!r}")
    side, outcome = _direction(o.action, o.side, o.outcome_side, o.book_side)
    order_type = (o.type or "limit").lower()
    price = o.yes_price_dollars if outcome == "yes" else o.no_price_dollars
    _price(o.yes_price_dollars, "yes_price_dollars")
    _price(o.no_price_dollars, "no_price_dollars")
    if order_type == "limit" and price is None:
        raise ValueError(f"limit order without a limit price ({outcome}_price_dollars)")
    filled = _nonneg(o.fill_count_fp, "fill_count_fp")
    remaining = _nonneg(o.remaining_count_fp, "remaining_count_fp")
    quantity = o.initial_count_fp
    if quantity is None and filled is not None and remaining is not None:
        quantity = filled + remaining
    if quantity is None or quantity <= 0:
        raise ValueError(f"initial_count_fp {quantity} must be a positive contract count")
    if filled is not None and filled > quantity:
        raise ValueError(f"fill_count_fp {filled} exceeds initial_count_fp {quantity}")
    if status == "resting" and filled:
        status = "partial"
    return {
        "account": account,
        "order_id": o.order_id,
        "client_order_id": o.client_order_id or None,
        "ticker": o.ticker,
        "outcome": outcome,
        "side": side,
        "order_type": order_type,
        "status": status,
        "status_raw": o.status,
        "price": price if order_type == "limit" else None,  # a market order has no limit
        "quantity": quantity,
        "filled_quantity": filled,
        "remaining_quantity": remaining,
        "fees": _sum(o.taker_fees_dollars, o.maker_fees_dollars),
        "fill_cost": _sum(o.taker_fill_cost_dollars, o.maker_fill_cost_dollars),
        "action_raw": o.action,
        "side_raw": o.side,
        "outcome_side": o.outcome_side,
        "book_side": o.book_side,
        "yes_price": o.yes_price_dollars,
        "no_price": o.no_price_dollars,
        "expires_at": o.expiration_time,
        "created_at": o.created_time,
        "venue_updated_at": o.last_update_time,
        "observed_at": observed_at,
    }


def settlement_row(s: Settlement, account: str) -> dict[str, Any]:
    value = s.value_dollars
    if s.market_result in ("yes", "no") and value is None:
        value = ONE if s.market_result == "yes" else Decimal(0)  # binary payout, by definition
    return {
        "account": account,
        "ticker": s.ticker,
        "event_ticker": s.event_ticker,
        "result": s.market_result,
        "yes_quantity": _nonneg(s.yes_count_fp, "yes_count_fp"),
        "no_quantity": _nonneg(s.no_count_fp, "no_count_fp"),
        "yes_cost": s.yes_total_cost_dollars,
        "no_cost": s.no_total_cost_dollars,
        "revenue": s.revenue_dollars,
        "fee": s.fee_cost,
        "yes_settlement_value": _price(value, "value"),
        "settled_at": s.settled_time,
    }


def position_row(p: MarketPosition, account: str, observed_at: datetime) -> dict[str, Any]:
    qty = p.position_fp
    assert qty is not None  # required by the model
    return {
        "account": account,
        "ticker": p.ticker,
        "outcome": "yes" if qty >= 0 else "no",
        "quantity": abs(qty),
        "cost": p.market_exposure_dollars,
        "realized_pnl": p.realized_pnl_dollars,
        "fees_paid": p.fees_paid_dollars,
        "total_traded": p.total_traded_dollars,
        "venue_updated_at": p.last_updated_ts,
        "observed_at": observed_at,
    }


def closed_position_row(account: str, ticker: str, outcome: str, observed_at: datetime) -> dict:
    """A position the complete snapshot no longer lists: closed (quantity 0)."""
    return {
        "account": account,
        "ticker": ticker,
        "outcome": outcome,
        "quantity": Decimal(0),
        "cost": Decimal(0),
        "realized_pnl": None,
        "fees_paid": None,
        "total_traded": None,
        "venue_updated_at": None,
        "observed_at": observed_at,
    }


def balance_row(b: Balance, account: str, observed_at: datetime) -> dict[str, Any]:
    return {
        "account": account,
        "currency": "USD",
        "balance": b.balance_dollars,
        "portfolio_value": b.portfolio_value_dollars,
        "venue_updated_at": b.updated_ts,
        "observed_at": observed_at,
    }


def _json(value: Any) -> str | None:
    """A jsonb column as JSON text (key order fixed, so an unchanged object hashes the same).

    Passed as text rather than a dict so a batch mixing NULL and objects loads the same way
    whichever record comes first; Decimal is written as a string, as the loader does."""
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def series_row(s: Series, observed_at: datetime) -> dict[str, Any]:
    return {
        "series_ticker": s.ticker,
        "title": s.title,
        "category": s.category,
        "frequency": s.frequency,
        "tags": _json(s.tags),
        "settlement_sources": _json(s.settlement_sources),
        "contract_url": s.contract_url,
        "contract_terms_url": s.contract_terms_url,
        "fee_type": s.fee_type,
        "fee_multiplier": _nonneg(s.fee_multiplier, "fee_multiplier"),
        "additional_prohibitions": _json(s.additional_prohibitions),
        "product_metadata": _json(s.product_metadata),
        "observed_at": observed_at,  # the series carries no update time of its own
    }


def event_row(e: Event, observed_at: datetime) -> dict[str, Any]:
    if not e.event_ticker.strip():
        raise ValueError("event_ticker is empty")
    return {
        "event_ticker": e.event_ticker,
        "series_ticker": e.series_ticker or series_of(e.event_ticker),
        "title": e.title,
        "sub_title": e.sub_title,
        "category": e.category,
        "collateral_return_type": e.collateral_return_type,
        "mutually_exclusive": e.mutually_exclusive,
        "strike_date": e.strike_date,
        "strike_period": e.strike_period,
        "available_on_brokers": e.available_on_brokers,
        "product_metadata": _json(e.product_metadata),
        "observed_at": observed_at,  # EventData carries no update time of its own
    }
