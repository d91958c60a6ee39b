"""Pure normalisation: every recorded fill, side/fee/PnL rules, spot symbols, exact ids/decimals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.http.client import parse_json
from ingestion.hyperliquid.asset_contexts import asset_context_row, configured_contexts
from ingestion.hyperliquid.models import (
    Candle,
    ClearinghouseState,
    Fill,
    HistoricalOrder,
    SpotMeta,
    UserFunding,
)
from ingestion.hyperliquid.normalize import (
    candle_row,
    equity_row,
    fill_row,
    funding_row,
    market_type,
    order_row,
    position_row,
    readable_symbol,
)
from tests.hyperliquid.conftest import NOW
from tests.hyperliquid.make_fixtures import spot_meta

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "hyperliquid").glob("*.json"))
SYMBOLS = SpotMeta.model_validate(spot_meta()).symbols()


def _row(raw: dict, column: str = "account") -> dict:
    return fill_row(Fill.model_validate(raw), "0xABC", SYMBOLS, column=column)


def _fill(**kw) -> dict:
    base = {
        "coin": "BTC",
        "px": "97250.5",
        "sz": "0.12",
        "side": "B",
        "time": 1794323112345,
        "startPosition": "0.0",
        "dir": "Open Long",
        "closedPnl": "0.0",
        "hash": "0xAB",
        "oid": 310000000001,
        "crossed": True,
        "fee": "5.251527",
        "tid": 9123456789012346,
        "feeToken": "USDC",
    }
    return {**base, **kw}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_normalises(path: Path):
    fixture = parse_json(path.read_text())
    assert json.loads(path.read_text())["doc"].startswith(
        "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint"
    )
    body, kind = fixture["response"]["body"], fixture["request"]["json"]["type"]
    if kind == "spotMeta":
        assert SpotMeta.model_validate(body).symbols()["@107"] == "HYPE/USDC"
        return
    if kind == "clearinghouseState":
        row = equity_row(
            ClearinghouseState.model_validate(body), fixture["request"]["json"]["user"], NOW
        )
        assert row["account_value"] == Decimal(body["marginSummary"]["accountValue"])
        assert row["venue_time"].timestamp() * 1000 == body["time"]
        for raw in body["assetPositions"]:  # the own address's positions (the whale's too)
            position = position_row(raw, fixture["request"]["json"]["user"], None, NOW)
            assert position["szi"] == Decimal(raw["position"]["szi"])
        return
    if kind == "userFunding":
        for raw in body:
            row = funding_row(UserFunding.model_validate(raw), fixture["request"]["json"]["user"])
            assert row["usdc"] == Decimal(raw["delta"]["usdc"])
            assert row["paid_at"].timestamp() * 1000 == raw["time"]
        return
    if kind == "candleSnapshot":
        coin = fixture["request"]["json"]["req"].get("coin")
        for raw in body:
            row = candle_row(Candle.model_validate(raw), coin, NOW)
            assert row["open_time"].timestamp() * 1000 == raw["t"]
            assert (row["high"], row["low"], row["volume"]) == tuple(
                Decimal(raw[k]) for k in ("h", "l", "v")
            )
            assert row["is_closed"] == (raw["T"] < NOW.timestamp() * 1000)
        return
    if kind == "metaAndAssetCtxs":
        universe = [u["name"] for u in body[0]["universe"]]
        items, _ = configured_contexts(body, universe)
        for item in items:  # every coin of the answer, whether configured or not
            row = asset_context_row(item, NOW)
            assert row["mark_px"] == Decimal(item["ctx"]["markPx"])
            assert row["mid_px"] == (item["ctx"]["midPx"] and Decimal(item["ctx"]["midPx"]))
        return
    if kind == "historicalOrders":
        for raw in body:
            row = order_row(
                HistoricalOrder.model_validate(raw), fixture["request"]["json"]["user"], NOW
            )
            assert row["oid"] == str(raw["order"]["oid"])
            assert row["quantity"] == Decimal(raw["order"]["origSz"])
            assert row["status_raw"] == raw["status"]
        return
    assert kind == "userFillsByTime" and isinstance(body, list)
    for raw in body:
        row = _row(raw)
        assert row["side"] == {"B": "buy", "A": "sell"}[raw["side"]]
        assert row["tid"] == str(raw["tid"]) and int(row["tid"]) > 2**53
        assert row["price"] == Decimal(raw["px"]) and row["size"] == Decimal(raw["sz"])
        assert row["fee"] == Decimal(raw["fee"])  # builder fee already inside, never added
        assert row["executed_at"].tzinfo is not None
        assert row["executed_at"].timestamp() * 1000 == raw["time"]
        assert row["symbol"] != raw["coin"] or not raw["coin"].startswith("@")


@pytest.mark.parametrize(
    ("coin", "kind", "symbol"),
    [
        ("BTC", "perp", "BTC"),
        ("xyz:SP500", "perp", "xyz:SP500"),  # builder-deployed perp: kept as is
        ("@107", "spot", "HYPE/USDC"),
        ("@1", "spot", "HFUN/USDC"),
        ("PURR/USDC", "spot", "PURR/USDC"),
        ("@9999", "spot", "@9999"),  # unknown pair: the raw coin, never a rejection
    ],
)
def test_coins_map_to_readable_symbols(coin, kind, symbol):
    assert market_type(coin) == kind
    assert readable_symbol(coin, SYMBOLS) == symbol
    row = _row(_fill(coin=coin))
    assert (row["coin"], row["symbol"], row["market_type"]) == (coin, symbol, kind)


def test_builder_fee_is_kept_but_not_added_to_the_total():
    row = _row(_fill(fee="2.516332", builderFee="0.457515"))
    assert row["fee"] == Decimal("2.516332")
    assert row["builder_fee"] == Decimal("0.457515")


def test_rebate_stays_negative_and_closed_pnl_is_realised_pnl():
    row = _row(_fill(side="A", fee="-0.093612", closedPnl="-628.2", crossed=False))
    assert (row["side"], row["fee"], row["closed_pnl"], row["is_taker"]) == (
        "sell",
        Decimal("-0.093612"),
        Decimal("-628.2"),
        False,
    )


def test_flip_direction_and_liquidation_are_kept():
    liq = {"liquidatedUser": "0xABC", "markPx": "101480.0", "method": "market"}
    row = _row(_fill(dir="Long > Short", liquidation=liq), column="wallet")
    assert row["wallet"] == "0xabc" and row["dir"] == "Long > Short"
    assert row["is_liquidation"] and row["liquidation_method"] == "market"
    assert row["liquidation_mark_px"] == Decimal("101480.0")
    assert row["liquidated_user"] == "0xabc"
    assert _row(_fill())["is_liquidation"] is False


def test_optional_fields_may_be_absent_or_new_ones_added():
    raw = _fill(cloid="0x00000000000000000000000000000abc", twapId=4471, somethingNew=1)
    for key in ("startPosition", "dir", "closedPnl", "crossed", "feeToken", "hash", "oid"):
        raw.pop(key)
    row = _row(raw)
    assert (row["cloid"], row["twap_id"], row["oid"], row["tx_hash"]) == (
        "0x00000000000000000000000000000abc",
        "4471",
        None,
        None,
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"side": "X"},
        {"px": "0"},
        {"sz": "-1"},
        {"px": "abc"},
        {"px": 97250.5},  # a float has already lost exactness
        {"tid": 1.5},
        {"tid": None},
        {"time": "yesterday"},
        {"coin": ""},
    ],
)
def test_malformed_fills_are_rejected_with_a_reason(bad):
    with pytest.raises(ValidationError):
        Fill.model_validate(_fill(**bad))


def test_spot_meta_is_lenient_and_uses_the_index_field():
    meta = SpotMeta.model_validate(
        {
            "tokens": [{"name": "USDC", "index": 0}, {"name": "HYPE", "index": 150}, {"bad": 1}],
            "universe": [
                {"name": "@107", "tokens": [150, 0], "index": 107},
                {"name": "@5", "tokens": [77, 0]},  # token unknown, no index: position 1
                "garbage",
            ],
        }
    )
    assert meta.symbols() == {"@107": "HYPE/USDC", "@1": "@5"}


@given(st.integers(min_value=2**53, max_value=10**30))
def test_ids_beyond_2_53_survive_exactly(tid):
    raw = parse_json(json.dumps(_fill(tid=tid, oid=tid + 1)))
    row = _row(raw)
    assert row["tid"] == str(tid) and row["oid"] == str(tid + 1)


@given(
    st.decimals(min_value="0.00000001", max_value="1000000", places=8, allow_nan=False),
    st.booleans(),
)
def test_decimals_survive_exactly_as_strings_and_bare_numbers(value, bare):
    text = format(value, "f")
    literal = text if bare else json.dumps(text)
    payload = json.dumps(_fill()).replace('"0.12"', literal).replace('"5.251527"', literal)
    row = _row(parse_json(payload))
    assert row["size"] == value and row["fee"] == value
    assert format(row["size"], "f") == text  # not a float round trip
