"""Wire models -> ledger rows, applying the unit rules of CONTRACT §4.

- `fee`: OKX sends a charge as a negative number and a rebate as a positive one ("The trading
  fee deduction is negative, such as '-0.01'; the rebate is positive"). The contract wants the
  opposite (positive = paid), so the sign is flipped; the venue's value is kept as `fee_raw`.
- `quantity`: `fillSz` as sent. For SPOT/MARGIN it is base currency (`base`); for SWAP, FUTURES
  and OPTION it is a number of contracts (`contracts`) and notional needs the instrument's ctVal
  (ledger.okx_instrument_observations, joined in dbt).
- `realized_pnl`: `fillPnl` ("applicable to orders which have a trade and aim to close position.
  It always is 0 in other conditions"), before fees, in the settlement currency.
- candles: `volume` is base currency whatever the instrument: `vol` for SPOT/MARGIN, `volCcy` for
  derivatives (their `vol` counts contracts). `confirm` "1" closes a candle.
- positions: `pos_side` as sent (`long`/`short`/`net`); OKX's signs are kept in the ledger (fee,
  fundingFee negative = charged); dbt turns them into the contract's signs.
- funding bills: `amount` = -balChg (OKX: negative when the account paid), positive = paid; a
  bill without balChg falls back on `pnl` ("Funding Fee expense (subType = 173): You may refer
  to pnl for the fee payment"), with the same sign.
- orders: `state` maps to the contract's status set (ORDER_STATUS; `status_raw` keeps it);
  live with accFillSz > 0 is `partial`. `quantity` = `sz`, `filled_quantity` = `accFillSz`,
  both in `quantity_unit` (SPOT market orders may count `sz` in quote currency: `tgt_ccy`
  says so, kept as sent); `remaining_quantity` = sz - accFillSz while the order rests, 0 once it
  is done. `fee` sign flipped as for fills. `price` is the limit `px` (NULL for market orders).
Anything that breaks a rule raises ValueError; `partition` quarantines it, page-mates load.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ingestion.okx.models import (
    Balance,
    Bill,
    Candle,
    Fill,
    Instrument,
    Order,
    Position,
    Ticker,
    candle_record,
)
from ingestion.okx.tables import POSITIONS

BASE_UNIT_TYPES = frozenset({"SPOT", "MARGIN"})
POSITION_COLUMNS = POSITIONS.columns
CONTRACT_TYPES = frozenset({"SWAP", "FUTURES", "OPTION"})
EXEC_TYPES = {"T": True, "M": False}
# subType values of the fills endpoints that are forced closes (docs: 100-107 partial/full
# liquidation, 110/111 liquidation transfer) and auto-deleveraging (125-128).
LIQUIDATION_SUB_TYPES = frozenset({"100", "101", "102", "103", "104", "105", "106", "107"})
LIQUIDATION_SUB_TYPES |= {"110", "111"}
ADL_SUB_TYPES = frozenset({"125", "126", "127", "128"})


def quantity_unit(inst_type: str) -> str:
    if inst_type in BASE_UNIT_TYPES:
        return "base"
    if inst_type in CONTRACT_TYPES:
        return "contracts"
    raise ValueError(f"instType {inst_type!r} is not SPOT/MARGIN/SWAP/FUTURES/OPTION")


def _positive(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise ValueError(f"{name} is missing")
    if value <= 0:
        raise ValueError(f"{name} {value} is not positive")
    return value


def fill_row(f: Fill, account: str) -> dict[str, Any]:
    side = f.side.lower()
    if side not in ("buy", "sell"):
        raise ValueError(f"side {f.side!r} is neither buy nor sell")
    if f.exec_type is not None and f.exec_type not in EXEC_TYPES:
        raise ValueError(f"execType {f.exec_type!r} is neither T nor M")
    executed_at = f.fill_time or f.ts
    if executed_at is None:
        raise ValueError("neither fillTime nor ts is set")
    return {
        "account": account,
        "bill_id": f.bill_id,
        "trade_id": f.trade_id,
        "order_id": f.ord_id,
        "client_order_id": f.cl_ord_id,
        "inst_type": f.inst_type,
        "inst_id": f.inst_id,
        "side": side,
        "pos_side": f.pos_side,
        "sub_type": f.sub_type,
        "exec_type": f.exec_type,
        "is_taker": EXEC_TYPES.get(f.exec_type or ""),  # not applicable to liquidation / ADL
        "is_liquidation": f.sub_type in LIQUIDATION_SUB_TYPES,
        "is_adl": f.sub_type in ADL_SUB_TYPES,
        "price": _positive(f.fill_px, "fillPx"),
        "quantity": _positive(f.fill_sz, "fillSz"),
        "quantity_unit": quantity_unit(f.inst_type),
        "fee": None if f.fee is None else -f.fee,
        "fee_raw": f.fee,
        "fee_currency": f.fee_ccy,
        "fee_rate": f.fee_rate,
        "realized_pnl": f.fill_pnl,
        "fill_mark_px": f.fill_mark_px,
        "fill_idx_px": f.fill_idx_px,
        "trade_quote_ccy": f.trade_quote_ccy,
        "tag": f.tag,
        "executed_at": executed_at,
        "generated_at": f.ts,
    }


def instrument_row(i: Instrument, observed_at: datetime) -> dict[str, Any]:
    if i.ct_val is not None and i.ct_val <= 0:
        raise ValueError(f"ctVal {i.ct_val} is not positive")
    return {
        "inst_type": i.inst_type,
        "inst_id": i.inst_id,
        "inst_family": i.inst_family,
        "uly": i.uly,
        "base_ccy": i.base_ccy,
        "quote_ccy": i.quote_ccy,
        "settle_ccy": i.settle_ccy,
        "ct_val": i.ct_val,
        "ct_mult": i.ct_mult,
        "ct_val_ccy": i.ct_val_ccy,
        "ct_type": i.ct_type,
        "state": i.state,
        "tick_sz": i.tick_sz,
        "lot_sz": i.lot_sz,
        "min_sz": i.min_sz,
        "list_time": i.list_time,
        "exp_time": i.exp_time,
        "observed_at": observed_at,
    }


CANDLE_BAR = "1H"
POS_SIDES = frozenset({"long", "short", "net"})
FUNDING_BILL_TYPE = "8"


def inst_type_of(inst_id: str) -> str:
    """SPOT for BASE-QUOTE, SWAP for ...-SWAP, FUTURES for BASE-QUOTE-YYMMDD, OPTION beyond."""
    parts = inst_id.split("-")
    if parts[-1] == "SWAP":
        return "SWAP"
    if len(parts) == 2:
        return "SPOT"
    if len(parts) == 3 and parts[2].isdigit():
        return "FUTURES"
    if len(parts) == 5:
        return "OPTION"
    raise ValueError(f"instId {inst_id!r} is not SPOT, SWAP, FUTURES or OPTION")


def candle_problems(c: Candle) -> list[str]:
    """Why a candle cannot be true (each is a venue or transport fault, never market data)."""
    prices = {"open": c.open, "high": c.high, "low": c.low, "close": c.close}
    problems = [f"{name} price is missing" for name, p in prices.items() if p is None]
    problems += [
        f"{name} price {p} is not positive"
        for name, p in prices.items()
        if p is not None and p <= 0
    ]
    if c.high is not None and c.low is not None and c.high < c.low:
        problems.append(f"high {c.high} is below low {c.low}")
    volumes = {"vol": c.vol, "volCcy": c.vol_ccy, "volCcyQuote": c.vol_ccy_quote}
    problems += [f"{n} {v} is negative" for n, v in volumes.items() if v is not None and v < 0]
    if c.confirm not in ("0", "1"):
        problems.append(f"confirm {c.confirm!r} is neither 0 nor 1")
    if c.ts is None:
        problems.append("ts is missing")
    return problems


def candle_row(raw: object, inst_id: str, observed_at: datetime) -> dict[str, Any]:
    """A ledger row of one hourly candle (an array as sent) as seen at `observed_at`."""
    c = Candle.model_validate(candle_record(raw))
    problems = candle_problems(c)
    if problems:
        raise ValueError("; ".join(problems))
    inst_type = inst_type_of(inst_id)
    volume = c.vol if inst_type in BASE_UNIT_TYPES else c.vol_ccy
    if volume is None:
        raise ValueError(
            f"{inst_type} candle without {'vol' if inst_type in BASE_UNIT_TYPES else 'volCcy'}"
        )
    return {
        "inst_id": inst_id,
        "inst_type": inst_type,
        "bar": CANDLE_BAR,
        "open_time": c.ts,
        "open": c.open,
        "high": c.high,
        "low": c.low,
        "close": c.close,
        "vol": c.vol,
        "vol_ccy": c.vol_ccy,
        "vol_ccy_quote": c.vol_ccy_quote,
        "volume": volume,
        "is_closed": c.confirm == "1",
        "observed_at": observed_at,
    }


def ticker_row(t: Ticker, inst_id: str, observed_at: datetime) -> dict[str, Any]:
    if t.inst_id != inst_id:
        raise ValueError(f"ticker of {t.inst_id!r} in the answer for {inst_id!r}")
    for name in ("last", "bid_px", "ask_px"):
        value = getattr(t, name)
        if value is not None and value <= 0:
            raise ValueError(f"{name} {value} is not positive")
    for name in ("last_sz", "bid_sz", "ask_sz"):
        value = getattr(t, name)
        if value is not None and value < 0:
            raise ValueError(f"{name} {value} is negative")
    return {
        "inst_id": t.inst_id,
        "inst_type": t.inst_type,
        "last": t.last,
        "last_sz": t.last_sz,
        "bid_px": t.bid_px,
        "bid_sz": t.bid_sz,
        "ask_px": t.ask_px,
        "ask_sz": t.ask_sz,
        "open_24h": t.open_24h,
        "high_24h": t.high_24h,
        "low_24h": t.low_24h,
        "vol_24h": t.vol_24h,
        "vol_ccy_24h": t.vol_ccy_24h,
        "sod_utc0": t.sod_utc0,
        "sod_utc8": t.sod_utc8,
        "venue_updated_at": t.ts,
        "observed_at": observed_at,
    }


def position_row(p: Position, account: str, observed_at: datetime) -> dict[str, Any]:
    if p.pos_side not in POS_SIDES:
        raise ValueError(f"posSide {p.pos_side!r} is not long, short or net")
    if p.pos is None:
        raise ValueError("pos is missing")
    if p.pos_side != "net" and p.pos < 0:
        raise ValueError(f"pos {p.pos} is negative for posSide {p.pos_side}")
    return {
        "account": account,
        "inst_id": p.inst_id,
        "inst_type": p.inst_type,
        "mgn_mode": p.mgn_mode,
        "pos_side": p.pos_side,
        "pos_id": p.pos_id,
        "pos": p.pos,
        "pos_ccy": p.pos_ccy,
        "ccy": p.ccy,
        "avg_px": p.avg_px,
        "mark_px": p.mark_px,
        "upl": p.upl,
        "upl_ratio": p.upl_ratio,
        "lever": p.lever,
        "liq_px": p.liq_px,
        "imr": p.imr,
        "margin": p.margin,
        "mmr": p.mmr,
        "notional_usd": p.notional_usd,
        "realized_pnl": p.realized_pnl,
        "pnl": p.pnl,
        "fee": p.fee,
        "funding_fee": p.funding_fee,
        "venue_created_at": p.c_time,
        "venue_updated_at": p.u_time,
        "observed_at": observed_at,
    }


def closed_position_row(
    account: str, key: tuple[str, str, str, str], observed_at: datetime
) -> dict[str, Any]:
    """A position a complete snapshot no longer lists: closed (pos 0), nothing else known."""
    inst_id, inst_type, mgn_mode, pos_side = key
    row = dict.fromkeys(POSITION_COLUMNS)
    row.update(
        account=account, inst_id=inst_id, inst_type=inst_type, mgn_mode=mgn_mode,
        pos_side=pos_side, pos=Decimal(0), observed_at=observed_at,
    )  # fmt: skip
    return row


def balance_rows(b: Balance, account: str, observed_at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "account": account,
            "currency": d.ccy,
            "cash_bal": d.cash_bal,
            "eq": d.eq,
            "eq_usd": d.eq_usd,
            "upl": d.upl,
            "avail_bal": d.avail_bal,
            "frozen_bal": d.frozen_bal,
            "total_eq": b.total_eq,
            "venue_updated_at": d.u_time or b.u_time,
            "observed_at": observed_at,
        }
        for d in b.details
    ]


def funding_bill_row(b: Bill, account: str) -> dict[str, Any]:
    if b.type != FUNDING_BILL_TYPE:
        raise ValueError(f"bill type {b.type!r} is not 8 (funding fee)")
    if b.ts is None:
        raise ValueError("ts is missing")
    change = b.bal_chg if b.bal_chg is not None else b.pnl
    if change is None:
        raise ValueError("neither balChg nor pnl is set")
    return {
        "account": account,
        "bill_id": b.bill_id,
        "inst_type": b.inst_type,
        "inst_id": b.inst_id,
        "currency": b.ccy,
        "bill_type": b.type,
        "sub_type": b.sub_type,
        "bal_chg": b.bal_chg,
        "pnl": b.pnl,
        "bal": b.bal,
        "sz": b.sz,
        "px": b.px,
        "mgn_mode": b.mgn_mode,
        "amount": -change,
        "paid_at": b.ts,
    }


# OKX order states (orders-history: canceled, filled, mmp_canceled; live and partially_filled
# are the open states of the same record) -> the contract's order status set.
ORDER_STATUS = {
    "live": "resting",
    "partially_filled": "partial",
    "filled": "filled",
    "canceled": "canceled",
    "mmp_canceled": "canceled",
}
OPEN_STATUSES = frozenset({"resting", "partial"})


def order_row(o: Order, account: str, observed_at: datetime) -> dict[str, Any]:
    """One observation of an own order. `observed_at` is our clock; `uTime` is content kept as
    `venue_updated_at` but not part of the version."""
    status = ORDER_STATUS.get(o.state.lower())
    if status is None:
        raise ValueError(f"unknown order state {o.state!r}")
    side = o.side.lower()
    if side not in ("buy", "sell"):
        raise ValueError(f"side {o.side!r} is neither buy nor sell")
    if o.c_time is None:
        raise ValueError("cTime is missing")
    quantity = _positive(o.sz, "sz")
    filled = o.acc_fill_sz
    if filled is not None and filled < 0:
        raise ValueError(f"accFillSz {filled} is negative")
    if filled is not None and filled > quantity:
        raise ValueError(f"accFillSz {filled} exceeds sz {quantity}")
    if status == "resting" and filled:
        status = "partial"
    remaining = None
    if status in OPEN_STATUSES:
        remaining = quantity - (filled or 0)
    elif filled is not None:
        remaining = Decimal(0)
    order_type = o.ord_type.lower()
    return {
        "account": account,
        "order_id": o.ord_id,
        "client_order_id": o.cl_ord_id,
        "inst_type": o.inst_type,
        "inst_id": o.inst_id,
        "side": side,
        "pos_side": o.pos_side,
        "order_type": order_type,
        "td_mode": o.td_mode,
        "status": status,
        "status_raw": o.state,
        "price": None if order_type == "market" or not o.px else o.px,
        "avg_price": o.avg_px,
        "quantity": quantity,
        "quantity_unit": quantity_unit(o.inst_type),
        "tgt_ccy": o.tgt_ccy,
        "filled_quantity": filled,
        "remaining_quantity": remaining,
        "fee": None if o.fee is None else -o.fee,
        "fee_raw": o.fee,
        "fee_currency": o.fee_ccy,
        "pnl": o.pnl,
        "reduce_only": None if o.reduce_only is None else o.reduce_only.lower() == "true",
        "category": o.category,
        "created_at": o.c_time,
        "venue_updated_at": o.u_time,
        "observed_at": observed_at,
    }
