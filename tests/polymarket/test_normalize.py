"""Pure normalisation: every recorded fixture, market status rules, ids and decimals exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.http.client import parse_json
from ingestion.http.replay import dumps_exact
from ingestion.polymarket.models import DataActivity, DataTrade, DataValue, GammaMarket, PricePoint
from ingestion.polymarket.normalize import (
    activity_row,
    fill_row,
    market_rows,
    market_status,
    trade_as_activity,
    value_row,
)

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "polymarket").glob("*.json"))
AT = datetime(2026, 11, 22, tzinfo=UTC)


def _records(path: Path) -> list[tuple[str, object]]:
    fixture = parse_json(path.read_text())
    route, body = fixture["request"]["path"], fixture["response"]["body"]
    if route == "/trades":
        return [("trade", r) for r in body]
    if route == "/activity":
        return [("activity", r) for r in body]
    if route == "/events/keyset":
        return [("market", m) for e in body["events"] for m in e["markets"]]
    if route == "/markets/keyset":
        return [("market", m) for m in body["markets"]]
    if route == "/value":
        return [("value", v) for v in body]
    assert route == "/prices-history", route
    return [("point", p) for p in body["history"]]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_record_normalises(path: Path):
    doc = json.loads(path.read_text())["doc"]
    assert doc.startswith("https://docs.polymarket.com/")
    for kind, raw in _records(path):
        if kind == "market":
            rows = market_rows(GammaMarket.model_validate(raw), AT, None)
            assert all(r["token_id"].isdigit() and len(r["token_id"]) == 78 for r in rows)
            assert {r["status"] for r in rows} <= {"open", "closed", "settled"}
        elif kind == "trade":
            row = fill_row(DataTrade.model_validate(raw), raw["proxyWallet"])
            assert row["notional"] == row["size"] * row["price"]
        elif kind == "activity":
            row = activity_row(DataActivity.model_validate(raw), raw["proxyWallet"])
            assert row["event_key"] and row["occurred_at"].tzinfo is not None
        elif kind == "value":
            row = value_row(DataValue.model_validate(raw), raw["user"], AT)
            assert row["positions_value"] == Decimal(str(raw["value"])) >= 0
        else:
            assert Decimal(0) <= PricePoint.model_validate(raw).p <= Decimal(1)


def _market(**kw) -> GammaMarket:
    base = {
        "id": 1,
        "conditionId": "0xAB",
        "outcomes": '["Yes","No"]',
        "outcomePrices": '["0.4","0.6"]',
        "clobTokenIds": '["1","2"]',
        "closed": False,
    }
    return GammaMarket.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, ("open", None)),
        ({"closed": True}, ("closed", None)),  # closed, prices not decided yet
        ({"closed": True, "outcomePrices": '["0","1"]'}, ("settled", "no")),
        (
            {"closed": True, "outcomePrices": '["1","0"]', "umaResolutionStatus": "disputed"},
            ("closed", None),
        ),
        ({"closed": False, "outcomePrices": '["1","0"]'}, ("open", None)),
    ],
)
def test_market_status(kw, expected):
    assert market_status(_market(**kw)) == expected


def test_settled_market_rows_carry_result_and_settlement_values():
    rows = market_rows(_market(closed=True, outcomePrices='["0","1"]'), AT, "ev")
    assert [(r["outcome"], r["result"], r["settlement_value"]) for r in rows] == [
        ("yes", "no", Decimal(0)),
        ("no", "no", Decimal(1)),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"clobTokenIds": '["1", 2'},  # malformed JSON in the string
        {"clobTokenIds": '["1"]'},  # fewer tokens than outcomes
        {"outcomes": '{"a": 1}'},  # not an array
        {"outcomePrices": '["0.5"]'},
        {"clobTokenIds": 1.5},
    ],
)
def test_malformed_markets_are_rejected_with_a_reason(bad):
    with pytest.raises((ValidationError, ValueError)):
        market_rows(_market(**bad), AT, None)


@pytest.mark.parametrize("index", [-1, "", None, "x", 999])
def test_unusable_outcome_index_does_not_reject_a_trade(index):
    t = DataTrade.model_validate(
        {
            "proxyWallet": "0xA",
            "side": "SELL",
            "asset": "5" * 78,
            "size": "3",
            "price": "0.2",
            "timestamp": 1763900000,
            "outcomeIndex": index,
            "transactionHash": "0xT",
        }
    )
    assert fill_row(t, "0xa")["token_id"] == "5" * 78


@given(st.integers(min_value=10**77, max_value=10**78 - 1), st.booleans())
def test_token_ids_survive_exactly(token, bare):
    inner = f"[{token}, {token + 1}]" if bare else json.dumps([str(token), str(token + 1)])
    payload = dumps_exact(
        {
            "id": "7",
            "conditionId": "0x1",
            "outcomes": '["Yes","No"]',
            "clobTokenIds": inner,
            "outcomePrices": '["0.5","0.5"]',
        }
    )
    m = GammaMarket.model_validate(parse_json(payload))
    assert m.clob_token_ids == [str(token), str(token + 1)]
    # and as a bare JSON number in a Data API row
    trade = DataTrade.model_validate(
        parse_json(
            f'{{"proxyWallet": "0xa", "side": "BUY", "asset": {token}, "size": 1, "price": 0.5,'
            f' "timestamp": 1763900000, "transactionHash": "0xT"}}'
        )
    )
    assert trade.asset == str(token)


@given(st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False))
def test_decimal_strings_survive_exactly(price):
    text = str(price)
    m = _market(outcomePrices=json.dumps([text, text]))
    assert [str(p) for p in m.outcome_prices] == [text, text]
    a = DataActivity.model_validate(
        parse_json(
            f'{{"proxyWallet": "0xa", "timestamp": 1763900000, "type": "TRADE", "price": {text}}}'
        )
    )
    assert a.price == price


def test_one_trade_seen_via_both_endpoints_has_one_key():
    common = {
        "proxyWallet": "0xW",
        "asset": "9" * 78,
        "conditionId": "0xC",
        "side": "BUY",
        "timestamp": 1763654405,
        "transactionHash": "0xABC",
        "outcomeIndex": 1,
    }
    via_trades = DataTrade.model_validate({**common, "size": 1000, "price": "0.5"})
    via_activity = DataActivity.model_validate(
        {**common, "type": "TRADE", "size": "1000.0", "price": "0.50", "usdcSize": 500}
    )
    a = activity_row(trade_as_activity(via_trades), "0xW", "trades")
    b = activity_row(via_activity, "0xw")
    assert a["event_key"] == b["event_key"]
    # a different fill in the same transaction stays distinct
    other = DataTrade.model_validate({**common, "size": 999, "price": "0.5"})
    assert activity_row(trade_as_activity(other), "0xw")["event_key"] != a["event_key"]
