"""Pure normalisation: every recorded fill and instrument, property tests for exactness."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.okx.models import AccountConfig, Fill, Instrument
from ingestion.okx.normalize import fill_row, instrument_row, quantity_unit
from tests.okx.conftest import NOW, OKX_FIXTURES, UID
from tests.okx.fake_api import make_fill


def recorded(prefix: str) -> list[dict]:
    rows = []
    for path in sorted(OKX_FIXTURES.glob(f"{prefix}*.json")):
        rows += json.loads(path.read_text())["response"]["body"]["data"]
    return rows


FILLS = {f["billId"]: f for f in recorded("fills_")}
INSTRUMENTS = recorded("instruments_")


def by(**match) -> dict:
    (hit,) = [f for f in FILLS.values() if all(f[k] == v for k, v in match.items())]
    return hit


@pytest.mark.parametrize("raw", list(FILLS.values()), ids=list(FILLS))
def test_every_recorded_fill_normalises_by_the_rules(raw):
    row = fill_row(Fill.model_validate(raw), UID)
    assert row["bill_id"] == raw["billId"] and len(row["bill_id"]) == 19
    assert row["order_id"] == raw["ordId"] and int(row["order_id"]) > 2**63  # text, exact
    assert row["fee"] == -Decimal(raw["fee"]) and row["fee_raw"] == Decimal(raw["fee"])
    assert row["quantity"] == Decimal(raw["fillSz"]) > 0
    assert row["quantity_unit"] == ("base" if raw["instType"] == "SPOT" else "contracts")
    assert row["realized_pnl"] == Decimal(raw["fillPnl"])
    assert row["executed_at"] == datetime.fromtimestamp(int(raw["fillTime"]) / 1000, UTC)
    assert row["side"] == raw["side"]
    assert row["is_taker"] == {"T": True, "M": False}.get(raw["execType"])


def test_spot_fee_is_a_charge_paid_in_the_currency_received():
    buy = fill_row(Fill.model_validate(by(instType="SPOT", clOrdId="tl0001")), UID)
    sell = fill_row(Fill.model_validate(by(instType="SPOT", clOrdId="tl0002")), UID)
    assert buy["fee"] > 0 and buy["fee_currency"] == "BTC" and buy["side"] == "buy"
    assert sell["fee"] > 0 and sell["fee_currency"] == "USDT" and sell["side"] == "sell"
    assert buy["realized_pnl"] == 0 and buy["quantity_unit"] == "base"


def test_swap_maker_rebate_is_negative_fee():
    row = fill_row(Fill.model_validate(by(instType="SWAP", execType="M")), UID)
    assert row["fee"] == Decimal("-0.04600005") and row["is_taker"] is False
    assert row["quantity"] == 10 and row["quantity_unit"] == "contracts"


def test_liquidation_is_flagged_without_maker_taker():
    row = fill_row(Fill.model_validate(by(subType="105")), UID)
    assert row["is_liquidation"] and not row["is_adl"]
    assert row["exec_type"] is None and row["is_taker"] is None
    assert row["trade_id"] == "-1877123456" and row["realized_pnl"] == Decimal("-652.425")


def test_position_flip_is_two_bills_sharing_order_and_trade():
    flip = [f for f in FILLS.values() if f["tradeId"] == "1877099999"]
    rows = sorted(
        (fill_row(Fill.model_validate(f), UID) for f in flip), key=lambda r: r["sub_type"]
    )
    assert [r["sub_type"] for r in rows] == ["4", "5"]  # open short, close long
    assert len({r["bill_id"] for r in rows}) == 2 and len({r["order_id"] for r in rows}) == 1
    assert sum(r["quantity"] for r in rows) == 25
    assert [r["realized_pnl"] for r in rows] == [0, Decimal("150.004")]


@pytest.mark.parametrize("raw", INSTRUMENTS, ids=[i["instId"] for i in INSTRUMENTS])
def test_every_recorded_instrument_normalises(raw):
    row = instrument_row(Instrument.model_validate(raw), NOW)
    assert row["observed_at"] == NOW and row["inst_id"] == raw["instId"]
    if raw["instType"] == "SPOT":
        assert row["ct_val"] is None and row["base_ccy"] and row["quote_ccy"]
    else:
        assert row["ct_val"] == Decimal(raw["ctVal"]) > 0 and row["ct_type"] in (
            "linear",
            "inverse",
        )
        assert row["ct_mult"] == 1 and row["settle_ccy"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"fillPx": "0"}, "fillPx 0 is not positive"),
        ({"fillSz": ""}, "fillSz is missing"),
        ({"fillSz": "-1"}, "not positive"),
        ({"fee": "abc"}, "not a decimal"),
        ({"fee": 0.1}, "not an exact decimal"),
        ({"billId": ""}, "not exact text"),
        ({"billId": 1.5}, "not exact text"),
        ({"side": "long"}, "neither buy nor sell"),
        ({"execType": "X"}, "neither T nor M"),
        ({"instType": "EVENTS"}, "not SPOT/MARGIN/SWAP/FUTURES/OPTION"),
        ({"fillTime": "", "ts": ""}, "neither fillTime nor ts"),
        ({"ts": "yesterday"}, "not Unix milliseconds"),
    ],
)
def test_bad_fills_are_refused_with_a_reason(change, reason):
    raw = {**make_fill(1, at=NOW), **change}
    with pytest.raises((ValueError, ValidationError), match=reason):
        fill_row(Fill.model_validate(raw), UID)


def test_ids_sent_as_json_integers_stay_exact():
    raw = make_fill(1, at=NOW, billId=9876543210987654321, ordId=12345678901234567890123)
    row = fill_row(Fill.model_validate(raw), UID)
    assert (row["bill_id"], row["order_id"]) == ("9876543210987654321", "12345678901234567890123")


def test_account_is_the_uid():
    assert AccountConfig.model_validate({"uid": UID, "label": "x"}).uid == UID


def test_quantity_unit_by_inst_type():
    assert [quantity_unit(t) for t in ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION")] == [
        "base", "base", "contracts", "contracts", "contracts",
    ]  # fmt: skip


decimals = st.decimals(
    min_value=Decimal("1e-12"), max_value=Decimal("1e12"), allow_nan=False, places=12
)


@given(px=decimals, sz=decimals, fee=st.decimals(allow_nan=False, allow_infinity=False, places=10),
       bill=st.integers(min_value=1, max_value=10**25))  # fmt: skip
def test_amounts_and_ids_survive_exactly(px, sz, fee, bill):
    raw = make_fill(
        1, at=NOW, fillPx=str(px), fillSz=str(sz), fee=str(fee), billId=str(bill), fillPnl=str(fee)
    )
    row = fill_row(Fill.model_validate(raw), UID)
    assert (row["price"], row["quantity"]) == (px, sz)
    assert row["fee"] == -fee and row["fee_raw"] == fee and row["realized_pnl"] == fee
    assert row["bill_id"] == str(bill) and int(row["bill_id"]) == bill
    assert isinstance(row["price"], Decimal) and isinstance(row["fee"], Decimal)
