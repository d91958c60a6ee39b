"""Wire models -> ledger rows, applying the unit rules of CONTRACT §4.

- `fee`: OKX sends a charge as a negative number and a rebate as a positive one ("The trading
  fee deduction is negative, such as '-0.01'; the rebate is positive"). The contract wants the
  opposite (positive = paid), so the sign is flipped; the venue's value is kept as `fee_raw`.
- `quantity`: `fillSz` as sent. For SPOT/MARGIN it is base currency (`base`); for SWAP, FUTURES
  and OPTION it is a number of contracts (`contracts`) and notional needs the instrument's ctVal
  (ledger.okx_instrument_observations, joined in dbt).
- `realized_pnl`: `fillPnl` ("applicable to orders which have a trade and aim to close position.
  It always is 0 in other conditions"), before fees, in the settlement currency.
Anything that breaks a rule raises ValueError; `partition` quarantines it, page-mates load.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ingestion.okx.models import Fill, Instrument

BASE_UNIT_TYPES = frozenset({"SPOT", "MARGIN"})
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
