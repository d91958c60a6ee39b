"""Pure normalisation: every fixture row, exact decimals (hypothesis), directions, keys."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.etherscan.models import NormalTx, TokenTransfer
from ingestion.etherscan.normalize import (
    Ordinals,
    direction,
    transaction_row,
    transfer_key,
    transfer_row,
    units,
)
from ingestion.http.client import parse_json
from tests.etherscan.conftest import FIXTURES, WHALE

UINT256_MAX = str(2**256 - 1)  # 78 digits


def fixture_rows(action: str) -> list[tuple[str, int, dict]]:
    out = []
    for path in sorted((FIXTURES / "etherscan").glob("*.json")):
        data = parse_json(path.read_text())
        if data["request"]["params"].get("action") != action:
            continue
        chain = int(data["request"]["params"]["chainid"])
        result = data["response"]["body"]["result"]
        out += [(f"{path.stem}[{i}]", chain, row) for i, row in enumerate(result)]
    return out


TX_ROWS = fixture_rows("txlist")
TOKEN_ROWS = fixture_rows("tokentx")


def test_fixtures_cite_the_docs_and_cover_the_cases():
    for path in (FIXTURES / "etherscan").glob("*.json"):
        assert json.loads(path.read_text())["doc"].startswith("https://docs.etherscan.io/")
    assert {r["isError"] for _, _, r in TX_ROWS} == {"0", "1"}
    assert {r["tokenDecimal"] for _, _, r in TOKEN_ROWS} >= {"6", "18"}
    with_log = {("logIndex" in r) for _, _, r in TOKEN_ROWS}
    assert with_log == {True, False}  # both documented readings are exercised


@pytest.mark.parametrize(("name", "chain", "raw"), TX_ROWS, ids=[n for n, _, _ in TX_ROWS])
def test_every_recorded_transaction_normalises(name, chain, raw):
    row = transaction_row(NormalTx.model_validate(raw), WHALE, chain)
    assert row["direction"] in ("in", "out", "self")
    assert row["value_wei"] == Decimal(raw["value"])
    failed = raw["isError"] == "1" or raw["txreceipt_status"] == "0"
    assert row["succeeded"] is not failed
    assert row["quantity"] == (0 if failed else Decimal(raw["value"]) / 10**18)
    gas = Decimal(raw["gasUsed"]) * Decimal(raw["gasPrice"]) / 10**18
    assert row["fee"] == (gas if raw["from"] == WHALE else 0)
    assert row["tx_hash"] == raw["hash"] and row["chain_id"] == chain


@pytest.mark.parametrize(("name", "chain", "raw"), TOKEN_ROWS, ids=[n for n, _, _ in TOKEN_ROWS])
def test_every_recorded_token_transfer_normalises(name, chain, raw):
    row = transfer_row(TokenTransfer.model_validate(raw), WHALE, chain)
    with localcontext() as ctx:
        ctx.prec = 200
        assert row["quantity"] == Decimal(raw["value"]) / Decimal(10) ** int(raw["tokenDecimal"])
    assert row["direction"] == ("out" if raw["from"] == WHALE else "in")
    assert row["contract_address"] == raw["contractAddress"]
    assert row["token_symbol"] == raw["tokenSymbol"]
    if "logIndex" in raw:
        assert row["event_key"] == f"{raw['hash']}:{raw['logIndex']}"


@given(
    raw=st.integers(min_value=0, max_value=2**256 - 1).map(str),
    decimals=st.integers(min_value=0, max_value=40),
)
def test_units_are_exact_for_any_uint256(raw, decimals):
    value = units(raw, decimals)
    assert value.as_tuple().exponent == -decimals
    assert int("".join(map(str, value.as_tuple().digits))) == int(raw)  # no digit lost


@given(
    wei=st.integers(min_value=0, max_value=2**256 - 1),
    bare_number=st.booleans(),
    decimals=st.sampled_from([0, 6, 8, 18, 24]),
)
def test_token_values_survive_the_wire_exactly(wei, bare_number, decimals):
    body = json.dumps({"value": wei if bare_number else str(wei)})
    raw = token_raw(value=parse_json(body)["value"], tokenDecimal=str(decimals))
    row = transfer_row(TokenTransfer.model_validate(raw), WHALE, 1)
    assert row["value_raw"] == wei
    with localcontext() as ctx:
        ctx.prec = 200  # the check itself must not round (the default context keeps 28 digits)
        assert row["quantity"].scaleb(decimals) == wei


@given(gas_used=st.integers(0, 10**9), gas_price=st.integers(0, 10**15))
def test_gas_fee_is_exact(gas_used, gas_price):
    raw = tx_raw(gasUsed=str(gas_used), gasPrice=str(gas_price))
    row = transaction_row(NormalTx.model_validate(raw), WHALE, 1)
    with localcontext() as ctx:
        ctx.prec = 200
        assert row["fee"] == Decimal(gas_used * gas_price).scaleb(-18)


def test_uint256_max_is_kept_to_the_last_digit():
    row = transfer_row(TokenTransfer.model_validate(token_raw(value=UINT256_MAX)), WHALE, 1)
    assert len(UINT256_MAX) == 78
    assert str(row["value_raw"]) == UINT256_MAX
    assert format(row["quantity"], "f").replace(".", "").lstrip("0") == UINT256_MAX


@pytest.mark.parametrize("bad", [1.5, "1.5", "-3", "", "0x10", True, "1e18"])
def test_inexact_or_odd_values_are_refused(bad):
    with pytest.raises(ValidationError):
        TokenTransfer.model_validate(token_raw(value=bad))


def test_missing_token_decimals_is_refused():
    with pytest.raises(ValidationError, match="tokenDecimal"):
        TokenTransfer.model_validate(token_raw(tokenDecimal=""))


def test_directions():
    other = "0x" + "1" * 40
    assert direction(WHALE, WHALE, other) == "out"
    assert direction(WHALE, other, WHALE) == "in"
    assert direction(WHALE, WHALE, WHALE) == "self"
    with pytest.raises(ValueError, match="neither"):
        direction(WHALE, other, other)


def test_self_transfer_keeps_its_value_and_pays_gas():
    row = transaction_row(NormalTx.model_validate(tx_raw(to=WHALE)), WHALE, 137)
    assert (row["direction"], row["quantity"]) == ("self", Decimal("0.5"))
    assert row["fee"] == Decimal("0.000042")


def test_failed_incoming_moves_nothing_and_costs_the_wallet_nothing():
    raw = tx_raw(**{"from": "0x" + "2" * 40, "to": WHALE, "isError": "1"})
    row = transaction_row(NormalTx.model_validate(raw), WHALE, 1)
    assert (row["direction"], row["quantity"], row["fee"], row["succeeded"]) == (
        "in",
        0,
        0,
        False,
    )


def test_receipt_status_zero_alone_marks_a_failure():
    raw = tx_raw(isError="0", txreceipt_status="0")
    assert transaction_row(NormalTx.model_validate(raw), WHALE, 1)["succeeded"] is False
    # before Byzantium txreceipt_status is "": isError decides
    raw = tx_raw(isError="0", txreceipt_status="")
    assert transaction_row(NormalTx.model_validate(raw), WHALE, 1)["succeeded"] is True


def test_contract_creation_by_the_wallet_and_of_the_wallet():
    created = tx_raw(to="", contractAddress="0x" + "3" * 40)
    assert transaction_row(NormalTx.model_validate(created), WHALE, 1)["direction"] == "out"
    deployed = tx_raw(**{"from": "0x" + "4" * 40, "to": "", "contractAddress": WHALE})
    assert transaction_row(NormalTx.model_validate(deployed), WHALE, 1)["direction"] == "in"


def test_identical_transfers_in_one_transaction_get_distinct_keys_without_log_index():
    a, b = token_raw(), token_raw()
    a.pop("logIndex"), b.pop("logIndex")
    ordinal = Ordinals()
    keys = [transfer_key(TokenTransfer.model_validate(r), ordinal(r)) for r in (a, b)]
    assert keys[0] != keys[1] and keys[0].endswith(":0") and keys[1].endswith(":1")
    nxt = token_raw(blockNumber="26000001")
    nxt.pop("logIndex")
    assert ordinal(nxt) == 0  # a new block starts over: the ordinal is per block


def tx_raw(**over) -> dict:
    row = {
        "blockNumber": "26000000",
        "timeStamp": "1793000000",
        "hash": "0x" + "ab" * 32,
        "transactionIndex": "3",
        "from": WHALE,
        "to": "0x" + "5" * 40,
        "value": "500000000000000000",
        "gas": "42000",
        "gasPrice": "2000000000",
        "gasUsed": "21000",
        "isError": "0",
        "txreceipt_status": "1",
        "contractAddress": "",
        "methodId": "0x",
        "functionName": "",
    }
    row.update(over)
    return row


def token_raw(**over) -> dict:
    row = {
        "blockNumber": "26000000",
        "timeStamp": "1793000000",
        "hash": "0x" + "cd" * 32,
        "from": "0x" + "6" * 40,
        "to": WHALE,
        "contractAddress": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        "value": "1000000",
        "tokenName": "USDC",
        "tokenSymbol": "USDC",
        "tokenDecimal": "6",
        "logIndex": "7",
    }
    row.update(over)
    return row
