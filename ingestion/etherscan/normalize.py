"""Wire rows -> ledger rows, in the wallet's point of view and in human units.

- Native amounts: wei / 10**18 (every chain we serve has 18-decimal native coins).
- Gas fee: gasUsed x gasPrice in native units, paid by the wallet only when it is `from`;
  a failed transaction (isError "1" or txreceipt_status "0") moves nothing but still costs gas.
- Token amounts: value / 10**tokenDecimal, from the payload.
- Direction: `out` when the wallet sends, `in` when it receives, `self` when it is both: the
  quantity is what the transfer carried, but nothing leaves the wallet net (only the gas).
Every amount is built from the digit string (`Decimal("<digits>E-<decimals>")`), which is exact
for any length: no float, no int64, no context rounding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingestion.etherscan.models import NormalTx, TokenTransfer

NATIVE_DECIMALS = 18


def units(raw_digits: str, decimals: int) -> Decimal:
    """Exact `raw / 10**decimals` (string construction: Decimal context never rounds it)."""
    return Decimal(f"{raw_digits}E-{decimals}")


def direction(wallet: str, sender: str, receiver: str | None) -> str:
    if sender == wallet and receiver == wallet:
        return "self"
    if sender == wallet:
        return "out"
    if receiver == wallet:
        return "in"
    raise ValueError(f"neither from ({sender}) nor to ({receiver}) is the wallet {wallet}")


def transaction_row(tx: NormalTx, wallet: str, chain_id: int) -> dict[str, Any]:
    wallet = wallet.lower()
    receiver = tx.to_address
    if receiver is None and tx.contract_address == wallet:
        receiver = wallet  # the wallet is the contract this transaction created
    way = direction(wallet, tx.from_address, receiver)
    succeeded = tx.succeeded
    pays_gas = tx.from_address == wallet
    fee = None
    if tx.gas_used is not None and tx.gas_price is not None:
        fee = units(str(int(tx.gas_used) * int(tx.gas_price)), NATIVE_DECIMALS)
    return {
        "chain_id": chain_id,
        "wallet": wallet,
        "tx_hash": tx.hash,
        "block_number": tx.block_number,
        "transaction_index": tx.transaction_index,
        "from_address": tx.from_address,
        "to_address": tx.to_address,
        "contract_address": tx.contract_address,
        "direction": way,
        "value_wei": Decimal(tx.value),
        # a failed transaction moves nothing (the attempted value stays in value_wei)
        "quantity": units(tx.value, NATIVE_DECIMALS) if succeeded else Decimal(0),
        "gas_used": None if tx.gas_used is None else Decimal(tx.gas_used),
        "gas_price_wei": None if tx.gas_price is None else Decimal(tx.gas_price),
        "fee": fee if pays_gas else Decimal(0),
        "is_error": tx.is_error,
        "receipt_status": tx.receipt_status,
        "succeeded": succeeded,
        "method_id": tx.method_id,
        "function_name": tx.function_name,
        "occurred_at": tx.occurred_at,
    }


def transfer_key(t: TokenTransfer, ordinal: int) -> str:
    """Unique per Transfer log. With `logIndex` (hash:logIndex) it is the chain's own identity.
    Without it, identical transfers inside one transaction are told apart by their ordinal in
    the block's rows (a block is always read whole, so the ordinal is stable)."""
    if t.log_index is not None:
        return f"{t.hash}:{t.log_index}"
    return f"{t.hash}:{t.contract_address}:{t.from_address}:{t.to_address}:{t.value}:{ordinal}"


def transfer_row(t: TokenTransfer, wallet: str, chain_id: int, ordinal: int = 0) -> dict[str, Any]:
    wallet = wallet.lower()
    way = direction(wallet, t.from_address, t.to_address)
    return {
        "chain_id": chain_id,
        "wallet": wallet,
        "event_key": transfer_key(t, ordinal),
        "tx_hash": t.hash,
        "log_index": t.log_index,
        "block_number": t.block_number,
        "from_address": t.from_address,
        "to_address": t.to_address,
        "contract_address": t.contract_address,
        "token_symbol": t.token_symbol,
        "token_name": t.token_name,
        "token_decimal": t.token_decimal,
        "direction": way,
        "value_raw": Decimal(t.value),
        "quantity": units(t.value, t.token_decimal),
        "occurred_at": t.occurred_at,
    }


class Ordinals:
    """Ordinal of each tokentx row among identical (hash, contract, from, to, value) rows of
    its block, fed rows in the order the pager yields them (blocks whole and ascending)."""

    def __init__(self) -> None:
        self.block: Any = None
        self.seen: dict[tuple, int] = {}

    def __call__(self, raw: Any) -> int:
        if not isinstance(raw, dict):
            return 0
        if raw.get("blockNumber") != self.block:
            self.block, self.seen = raw.get("blockNumber"), {}
        key = tuple(
            str(raw.get(k, "")).lower() for k in ("hash", "contractAddress", "from", "to", "value")
        )
        n = self.seen.get(key, 0)
        self.seen[key] = n + 1
        return n
