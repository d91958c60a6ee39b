"""Wire models for txlist and tokentx rows, lenient where the docs allow variation.

Every number arrives as a decimal string ("value": "1000000000000000000"); the HTTP layer keeps
bare JSON numbers exact too. Amounts stay text of digits here and become Decimal only by string
construction in normalize.py: a 78-digit uint256 never passes through float or int64.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from ingestion.drift import UnitRule, decimal_point
from ingestion.wire import Wire

_DIGITS = re.compile(r"^[0-9]+$")
_ADDRESS = re.compile(r"^0x[0-9a-f]{40}$")
_HASH = re.compile(r"^0x[0-9a-f]{64}$")


# Unit table (ingestion/drift.py): amounts are integer base units (wei, token units).
UNIT_RULES = tuple(UnitRule(name, decimal_point) for name in ("value", "gasPrice", "gasUsed"))


# documented on both actions, not read by the normaliser
_NOT_READ = frozenset({"blockHash", "confirmations", "cumulativeGasUsed", "gas", "input", "nonce"})


class _Wire(Wire):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    unit_rules = UNIT_RULES


def digits(value: Any) -> str:
    """A non-negative integer as exact text; floats and fractions are refused."""
    if isinstance(value, bool | float):
        raise ValueError(f"{value!r} is not an exact integer")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(f"{value} is not an integer")
        value = format(value, "f")
    text = str(value).strip()
    if not _DIGITS.match(text):
        raise ValueError(f"{text[:40]!r} is not a non-negative integer")
    return text.lstrip("0") or "0"


def optional_digits(value: Any) -> str | None:
    return None if value in (None, "") else digits(value)


def address(value: Any) -> str:
    text = str(value).strip().lower()
    if not _ADDRESS.match(text):
        raise ValueError(f"{text[:50]!r} is not an address")
    return text


def optional_address(value: Any) -> str | None:
    """`to` is "" for a contract creation."""
    return None if value in (None, "") else address(value)


def tx_hash(value: Any) -> str:
    text = str(value).strip().lower()
    if not _HASH.match(text):
        raise ValueError(f"{text[:70]!r} is not a transaction hash")
    return text


def epoch(value: Any) -> datetime:
    return datetime.fromtimestamp(int(digits(value)), tz=UTC)


class NormalTx(_Wire):
    """One row of module=account&action=txlist."""

    wire_known = _NOT_READ

    block_number: int = Field(alias="blockNumber")
    occurred_at: datetime = Field(alias="timeStamp")
    hash: str
    transaction_index: int | None = Field(alias="transactionIndex", default=None)
    from_address: str = Field(alias="from")
    to_address: str | None = Field(alias="to", default=None)
    value: str
    gas_price: str | None = Field(alias="gasPrice", default=None)
    gas_used: str | None = Field(alias="gasUsed", default=None)
    is_error: str | None = Field(alias="isError", default=None)
    receipt_status: str | None = Field(alias="txreceipt_status", default=None)
    contract_address: str | None = Field(alias="contractAddress", default=None)
    method_id: str | None = Field(alias="methodId", default=None)
    function_name: str | None = Field(alias="functionName", default=None)

    _block = field_validator("block_number", mode="before")(lambda v: int(digits(v)))
    _index = field_validator("transaction_index", mode="before")(
        lambda v: None if v in (None, "") else int(digits(v))
    )
    _ts = field_validator("occurred_at", mode="before")(epoch)
    _hash = field_validator("hash", mode="before")(tx_hash)
    _from = field_validator("from_address", mode="before")(address)
    _to = field_validator("to_address", "contract_address", mode="before")(optional_address)
    _value = field_validator("value", mode="before")(digits)
    _gas = field_validator("gas_price", "gas_used", mode="before")(optional_digits)
    _flags = field_validator("is_error", "receipt_status", mode="before")(
        lambda v: None if v is None else str(v).strip()
    )

    @property
    def succeeded(self) -> bool:
        # isError "1" = reverted; txreceipt_status "0" = failed receipt ("" before Byzantium)
        return self.is_error != "1" and self.receipt_status != "0"


class TokenTransfer(_Wire):
    """One row of module=account&action=tokentx (an ERC-20 Transfer event)."""

    wire_known = _NOT_READ | {"functionName", "gasPrice", "gasUsed", "methodId", "transactionIndex"}

    block_number: int = Field(alias="blockNumber")
    occurred_at: datetime = Field(alias="timeStamp")
    hash: str
    log_index: int | None = Field(alias="logIndex", default=None)
    from_address: str = Field(alias="from")
    to_address: str = Field(alias="to")
    contract_address: str = Field(alias="contractAddress")
    value: str
    token_name: str | None = Field(alias="tokenName", default=None)
    token_symbol: str | None = Field(alias="tokenSymbol", default=None)
    token_decimal: int = Field(alias="tokenDecimal", ge=0, le=255)

    _block = field_validator("block_number", mode="before")(lambda v: int(digits(v)))
    _log = field_validator("log_index", mode="before")(
        lambda v: None if v in (None, "") else int(digits(v))
    )
    _ts = field_validator("occurred_at", mode="before")(epoch)
    _hash = field_validator("hash", mode="before")(tx_hash)
    _addr = field_validator("from_address", "to_address", "contract_address", mode="before")(
        address
    )
    _value = field_validator("value", mode="before")(digits)
    _decimals = field_validator("token_decimal", mode="before")(lambda v: int(digits(v)))
