"""Wire fills -> ledger rows. Pure functions: no I/O, easy to test over fixtures.

Conventions (CONTRACT §4), and why:
- side: `B` (bid) is a buy, `A` (ask) a sell, from the account's point of view. A perp close of a
  short is a buy; `dir` ("Open Long", "Close Short", "Long > Short", "Liquidated ...") is kept raw.
- fee: Hyperliquid's `fee` is signed like ours (negative = maker rebate) and already INCLUDES the
  builder fee (`builderFee`: "amount paid to builder, also included in fee", WsFill type on the
  websocket subscriptions page). So the total fee is `fee` as sent; `builderFee` is kept beside
  it for analysis and never added a second time.
- realised PnL: `closedPnl`, gross of fees (the venue reports fees separately).
- coin: perps use the coin name (`BTC`, or `dex:COIN` for builder-deployed perps); spot uses
  `@{pair index}` (or `PURR/USDC`). The raw coin is the market id; the readable symbol comes from
  spotMeta and falls back to the raw coin when the pair is unknown (never a rejection).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ingestion.hyperliquid.models import (
    AssetPosition,
    Candle,
    ClearinghouseState,
    Fill,
    HistoricalOrder,
    Position,
    UserFunding,
)
from ingestion.wire import exact_decimal

SIDES = {"B": "buy", "A": "sell"}


def market_type(coin: str) -> str:
    return "spot" if coin.startswith("@") or "/" in coin else "perp"


def readable_symbol(coin: str, spot_symbols: dict[str, str]) -> str:
    if market_type(coin) == "spot":
        return spot_symbols.get(coin, coin)
    return coin


def fill_row(fill: Fill, address: str, spot_symbols: dict[str, str], *, column: str) -> dict:
    """A ledger row for `address` (stored under `column`: `account` or `wallet`)."""
    liq = fill.liquidation
    return {
        column: address.lower(),
        "tid": fill.tid,
        "oid": fill.oid,
        "cloid": fill.cloid,
        "tx_hash": fill.hash.lower() if fill.hash else None,
        "coin": fill.coin,
        "symbol": readable_symbol(fill.coin, spot_symbols),
        "market_type": market_type(fill.coin),
        "side": SIDES[fill.side],
        "side_raw": fill.side,
        "price": fill.px,
        "size": fill.sz,
        "start_position": fill.start_position,
        "dir": fill.dir,
        "closed_pnl": fill.closed_pnl,
        "fee": fill.fee,
        "fee_token": fill.fee_token,
        "builder_fee": fill.builder_fee,
        "is_taker": fill.crossed,
        "twap_id": fill.twap_id,
        "is_liquidation": liq is not None,
        "liquidation_method": liq.method if liq else None,
        "liquidation_mark_px": liq.mark_px if liq else None,
        "liquidated_user": liq.liquidated_user.lower() if liq and liq.liquidated_user else None,
        "executed_at": fill.time,
    }


def equity_row(state: ClearinghouseState, wallet: str, observed_at: datetime) -> dict:
    """A tracked wallet's perp account summary at `observed_at` (our clock); the venue's own
    `time` is kept beside it, never used as the key."""
    summary = state.margin_summary
    return {
        "wallet": wallet.lower(),
        "account_value": summary.account_value,
        "total_ntl_pos": summary.total_ntl_pos,
        "total_margin_used": summary.total_margin_used,
        "withdrawable": state.withdrawable,
        "venue_time": state.time,
        "observed_at": observed_at,
    }


CANDLE_INTERVAL = "1h"


def candle_problems(c: Candle) -> list[str]:
    """Why a candle cannot be true (each is a venue or transport fault, never market data)."""
    problems = []
    if c.high < c.low:
        problems.append(f"high {c.high} is below low {c.low}")
    prices = {"open": c.open, "high": c.high, "low": c.low, "close": c.close}
    problems += [f"{name} price {p} is not positive" for name, p in prices.items() if p <= 0]
    if c.volume < 0:
        problems.append(f"volume {c.volume} is negative")
    return problems


def candle_row(c: Candle, coin: str, observed_at: datetime) -> dict:
    """A ledger row of one hourly candle as seen at `observed_at` (our clock). The candle is
    closed once its last millisecond `T` has passed; until then it is a version that will be
    re-observed (and kept again when anything changed, `is_closed` included)."""
    if c.coin != coin:
        raise ValueError(f"candle of {c.coin!r} in the answer for {coin!r}")
    if c.interval != CANDLE_INTERVAL:
        raise ValueError(f"interval {c.interval!r}, asked for {CANDLE_INTERVAL!r}")
    problems = candle_problems(c)
    if problems:
        raise ValueError("; ".join(problems))
    return {
        "coin": coin,
        "interval": c.interval,
        "open_time": c.open_time,
        "close_time": c.close_time,
        "open": c.open,
        "high": c.high,
        "low": c.low,
        "close": c.close,
        "volume": c.volume,
        "trades": c.trades,
        "is_closed": c.close_time < observed_at,
        "observed_at": observed_at,
    }


def listed_unrealized_pnl(raw: object) -> Decimal | None:
    """Σ unrealizedPnl of the positions listed in the same answer (0 with none); None when one
    of them cannot be read, so the collateral (account value less it) is never guessed."""
    listed = raw.get("assetPositions") if isinstance(raw, dict) else None
    total = Decimal(0)
    for item in listed or []:
        try:
            value = exact_decimal(item["position"]["unrealizedPnl"])
        except (TypeError, KeyError, ValueError):
            return None
        if value is None:
            return None
        total += value
    return total


def account_row(raw: object, account: str, observed_at: datetime) -> dict:
    """An own account's perp summary at `observed_at` (our clock): accountValue is its equity
    (collateral + unrealized PnL, USDC), withdrawable the free cash; the unrealized PnL of the
    positions in the same answer, so the collateral is accountValue less it."""
    state = ClearinghouseState.model_validate(raw)
    summary = state.margin_summary
    return {
        "account": account.lower(),
        "account_value": summary.account_value,
        "unrealized_pnl": listed_unrealized_pnl(raw),
        "total_ntl_pos": summary.total_ntl_pos,
        "total_margin_used": summary.total_margin_used,
        "withdrawable": state.withdrawable,
        "venue_time": state.time,
        "observed_at": observed_at,
    }


def position_row(raw: object, account: str, venue_time, observed_at: datetime) -> dict:
    """One `assetPositions` element as a ledger row (signed size kept as sent)."""
    p = Position.model_validate(AssetPosition.model_validate(raw).position)
    lev, cum = p.leverage, p.cum_funding
    return {
        "account": account.lower(),
        "coin": p.coin,
        "szi": p.szi,
        "entry_px": p.entry_px,
        "position_value": p.position_value,
        "unrealized_pnl": p.unrealized_pnl,
        "leverage_type": lev.type if lev else None,
        "leverage": lev.value if lev else None,
        "liquidation_px": p.liquidation_px,
        "margin_used": p.margin_used,
        "cum_funding_all_time": cum.all_time if cum else None,
        "cum_funding_since_open": cum.since_open if cum else None,
        "cum_funding_since_change": cum.since_change if cum else None,
        "venue_time": venue_time,
        "observed_at": observed_at,
    }


def flat_row(account: str, coin: str, venue_time, observed_at: datetime) -> dict:
    """A position held before and absent from the answer now: the venue lists open positions
    only, so its absence is the observation that it was closed (size 0)."""
    row = dict.fromkeys(POSITION_COLUMNS)
    row.update(account=account.lower(), coin=coin, szi=0, venue_time=venue_time)
    row["observed_at"] = observed_at
    return row


POSITION_COLUMNS = (
    "account",
    "coin",
    "szi",
    "entry_px",
    "position_value",
    "unrealized_pnl",
    "leverage_type",
    "leverage",
    "liquidation_px",
    "margin_used",
    "cum_funding_all_time",
    "cum_funding_since_open",
    "cum_funding_since_change",
    "venue_time",
    "observed_at",
)


def funding_row(f: UserFunding, account: str) -> dict:
    """One hourly funding payment; `usdc` is kept as sent (negative = the account paid)."""
    d = f.delta
    return {
        "account": account.lower(),
        "coin": d.coin,
        "paid_at": f.time,
        "usdc": d.usdc,
        "szi": d.szi,
        "funding_rate": d.funding_rate,
        "n_samples": d.n_samples,
        "tx_hash": f.hash.lower() if f.hash else None,
    }


# historicalOrders statuses -> the contract's order status set. Documented: open, filled,
# canceled, triggered, rejected, marginCanceled and further *Canceled / *Rejected reasons
# (vaultWithdrawalCanceled, openInterestCapCanceled, selfTradeCanceled, reduceOnlyCanceled,
# siblingFilledCanceled, delistedCanceled, liquidatedCanceled, scheduledCancel, tickRejected,
# minTradeNtlRejected, ...): those map by their suffix. A triggered trigger order is working.
ORDER_STATUS = {
    "open": "resting",
    "triggered": "resting",
    "filled": "filled",
    "canceled": "canceled",
    "scheduledcancel": "canceled",
    "rejected": "rejected",
}


def order_status(raw: str) -> str:
    key = raw.strip().lower()
    if key in ORDER_STATUS:
        return ORDER_STATUS[key]
    if key.endswith("canceled"):
        return "canceled"
    if key.endswith("rejected"):
        return "rejected"
    raise ValueError(f"unknown order status {raw!r}")


def order_row(h: HistoricalOrder, address: str, observed_at: datetime) -> dict:
    """One observation of an own order. `observed_at` is our clock; statusTimestamp is content
    kept as `venue_updated_at` but not part of the version."""
    o = h.order
    side = SIDES.get(o.side.strip().upper())
    if side is None:
        raise ValueError(f"side {o.side!r} is neither B (bid/buy) nor A (ask/sell)")
    quantity = o.orig_sz if o.orig_sz is not None else o.sz
    if quantity is None or quantity <= 0:
        raise ValueError(f"origSz {o.orig_sz} must be a positive size")
    remaining = o.sz
    if remaining is not None and (remaining < 0 or remaining > quantity):
        raise ValueError(f"sz {remaining} is outside 0..origSz {quantity}")
    status = order_status(h.status)
    filled = None if remaining is None else quantity - remaining
    if status == "filled" and not filled:
        # both readings of a filled order's `sz`: 0 (what is left) or origSz (not updated)
        filled = quantity
    if status == "resting" and filled:
        status = "partial"
    if status not in ("resting", "partial"):
        remaining = 0 if remaining is not None else None
    order_type = (o.order_type or "").strip().lower() or None
    return {
        "account": address.lower(),
        "oid": o.oid,
        "cloid": o.cloid,
        "coin": o.coin,
        "market_type": market_type(o.coin),
        "side": side,
        "order_type": order_type,
        "status": status,
        "status_raw": h.status,
        "price": o.limit_px if o.limit_px and order_type != "market" else None,
        "quantity": quantity,
        "filled_quantity": filled,
        "remaining_quantity": remaining,
        "reduce_only": o.reduce_only,
        "created_at": o.timestamp,
        "venue_updated_at": h.status_timestamp,
        "observed_at": observed_at,
    }
