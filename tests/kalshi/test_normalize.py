"""Normalisation rules, parametrised over the recorded fixtures; exact round-trip properties."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.http.client import parse_json
from ingestion.kalshi.models import Balance, Fill, Market, MarketPosition, Settlement
from ingestion.kalshi.normalize import (
    STATUS,
    balance_row,
    fill_row,
    market_row,
    position_row,
    settlement_row,
)
from tests.kalshi.conftest import KALSHI_FIXTURES

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def items(pattern: str, key: str) -> list:
    out = []
    for path in sorted(KALSHI_FIXTURES.glob(pattern)):
        body = parse_json(path.read_text())["response"]["body"]
        out += [pytest.param(item, id=f"{path.stem}:{i}") for i, item in enumerate(body[key])]
    return out


MARKETS = [
    p for p in items("*markets*.json", "markets") if not p.values[0]["ticker"].endswith("TIE")
]
FILLS = [p for p in items("*fills*.json", "fills") if "yes_price_dollars" in p.values[0]]


@pytest.mark.parametrize("raw", MARKETS)
def test_market_rules(raw):
    row = market_row(Market.model_validate(raw), NOW)
    assert row["status_raw"] == raw["status"]
    assert row["status"] == STATUS[raw["status"]]
    assert row["series_ticker"] == "KXNFLGAME"
    if row["status"] == "open":
        assert row["yes_bid"] == Decimal(raw["yes_bid_dollars"])
    else:  # a closed book's bid/ask is not a price
        assert row["yes_bid"] is row["yes_ask"] is row["no_bid"] is row["no_ask"] is None
    if row["status"] == "settled":
        assert row["result"] == raw["result"] and row["result"] in ("yes", "no")
        assert row["settlement_value"] == Decimal(raw["settlement_value_dollars"])
        assert row["settled_at"] is not None
    else:
        assert row["result"] is row["settlement_value"] is None
    # versions are keyed on our clock; the venue's own timestamp is kept beside it (issue 20)
    assert row["observed_at"] == NOW
    assert row["venue_updated_at"] == datetime.fromisoformat(raw["updated_time"])


@pytest.mark.parametrize("raw", FILLS)
def test_fill_is_the_outcome_traded_at_its_own_price(raw):
    row = fill_row(Fill.model_validate(raw), "acct")
    if "action" in raw:  # legacy pair present: it is exactly the trade
        assert (row["side"], row["outcome"]) == (raw["action"], raw["side"])
    else:  # only the exposure direction: a buy of that outcome
        assert (row["side"], row["outcome"]) == ("buy", raw["outcome_side"])
    assert row["price"] == Decimal(raw[f"{row['outcome']}_price_dollars"])
    assert row["quantity"] == Decimal(raw["count_fp"]) > 0
    assert row["fee"] == Decimal(raw["fee_cost"])


@pytest.mark.parametrize("raw", items("*settlements*.json", "settlements"))
def test_settlement_from_settlement_fields(raw):
    row = settlement_row(Settlement.model_validate(raw), "acct")
    assert row["result"] == raw["market_result"]
    assert row["revenue"] == Decimal(raw["revenue"]) / 100  # documented in cents
    assert row["yes_settlement_value"] == Decimal(raw["value"]) / 100
    assert row["yes_cost"] == Decimal(raw["yes_total_cost_dollars"])


@pytest.mark.parametrize("raw", items("portfolio_positions.json", "market_positions"))
def test_position_sign_is_the_outcome(raw):
    row = position_row(MarketPosition.model_validate(raw), "acct", NOW)
    fp = Decimal(raw["position_fp"])
    assert row["outcome"] == ("yes" if fp > 0 else "no")
    assert row["quantity"] == abs(fp)
    assert row["observed_at"] == NOW
    assert row["venue_updated_at"] == datetime.fromtimestamp(raw["last_updated_ts"], UTC)


def test_balance_in_dollars():
    body = json.loads((KALSHI_FIXTURES / "portfolio_balance.json").read_text())["response"]["body"]
    row = balance_row(Balance.model_validate(body), "acct", NOW)
    assert (row["balance"], row["portfolio_value"]) == (Decimal("102.3400"), Decimal("16.37"))
    assert (row["observed_at"], row["venue_updated_at"]) == (
        NOW,
        datetime(2026, 11, 22, 23, tzinfo=UTC),
    )


BASE = {
    "fill_id": "f",
    "ticker": "T",
    "action": "buy",
    "side": "no",
    "count_fp": "1.00",
    "yes_price_dollars": "0.6200",
    "no_price_dollars": "0.3800",
    "created_time": "2026-11-20T00:00:00Z",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"no_price_dollars": "1.0100"}, r"outside \[0, 1\]"),
        ({"no_price_dollars": "-0.0100"}, r"outside \[0, 1\]"),
        ({"count_fp": "-2.00"}, "positive contract count"),
        ({"no_price_dollars": None}, "missing price"),
        ({"no_price_dollars": 0.38}, "fixed-point string"),  # a float is refused, not rounded
        ({"count_fp": "1.234"}, "not a fixed-point"),
        ({"outcome_side": "yes"}, "direction fields disagree"),
        ({"action": None, "side": None}, "no direction"),
    ],
)
def test_fill_unit_rules_reject(change, reason):
    raw = {**BASE, **change}
    with pytest.raises((ValueError, ValidationError), match=reason):
        fill_row(Fill.model_validate(raw), "acct")


def test_legacy_cent_fields_are_read_exactly():
    raw = {k: v for k, v in BASE.items() if not k.endswith("_dollars")}
    raw |= {"yes_price": 62, "no_price": 38, "count": 3}
    del raw["count_fp"]
    row = fill_row(Fill.model_validate(raw), "acct")
    assert (row["price"], row["quantity"]) == (Decimal("0.38"), Decimal(3))


def test_unknown_market_status_is_rejected():
    with pytest.raises(ValueError, match="unknown market status"):
        market_row(Market.model_validate({"ticker": "T", "status": "exploded"}), NOW)


dollar_strings = st.builds(
    lambda n, places: f"{Decimal(n).scaleb(-places):.{places}f}",
    st.integers(0, 10**6),
    st.integers(0, 6),
).filter(lambda s: Decimal(s) <= 1)
count_strings = st.builds(lambda n: f"{Decimal(n).scaleb(-2):.2f}", st.integers(1, 10**12))


@settings(max_examples=300)
@given(price=dollar_strings, count=count_strings, fee=dollar_strings)
def test_fill_round_trips_exactly(price, count, fee):
    raw = {**BASE, "no_price_dollars": price, "count_fp": count, "fee_cost": fee}
    # through the JSON text, as the wire delivers it
    row = fill_row(Fill.model_validate(parse_json(json.dumps(raw))), "acct")
    assert str(row["price"]) == price and row["price"] == Decimal(price)
    assert str(row["quantity"]) == count
    assert str(row["fee"]) == fee


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(price=dollar_strings, count=count_strings)
def test_fill_round_trips_through_postgres(conn, price, count):
    from ingestion.kalshi.tables import FILLS
    from ingestion.loader import load

    fill_id = f"{price}/{count}"
    raw = {**BASE, "fill_id": fill_id, "no_price_dollars": price, "count_fp": count}
    load(conn, FILLS, [fill_row(Fill.model_validate(parse_json(json.dumps(raw))), "acct")])
    stored = conn.execute(
        "select price::text, quantity::text from ledger.kalshi_fills where fill_id = %s",
        (fill_id,),
    ).fetchone()
    assert stored == (price, count)
