"""The shared drift detector (ingestion/drift.py) over each source's real wire models: what is
drift (a page-wide change), what is a bad record (one value out of line), and each source's unit
table. Pure: the models validate records inside `watching()`, as `partition` does."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from pathlib import Path

from ingestion.drift import watching
from ingestion.espn.models import Event
from ingestion.etherscan.models import NormalTx
from ingestion.hyperliquid.models import ClearinghouseState
from ingestion.kalshi.models import Market
from ingestion.okx.models import Fill as OkxFill
from ingestion.polymarket.models import DataTrade
from ingestion.quarantine import partition

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def findings(model, records) -> list[tuple[str, str, bool]]:
    with watching() as seen:
        for record in records:
            with contextlib.suppress(ValueError):
                model.model_validate(record)
    return [(d.field, d.change, d.is_blocking) for d in seen.findings()]


def recorded(path: str, key: str | None = None) -> list[dict]:
    body = json.loads((FIXTURES / path).read_text(), parse_float=Decimal)["response"]["body"]
    return body[key] if key else body


def test_okx_ts_in_seconds_blocks_and_names_the_field() -> None:
    fills = recorded("okx/fills_recent_spot_p1.json", "data")
    assert findings(OkxFill, fills) == []
    in_seconds = [{**f, "ts": str(int(f["ts"]) // 1000)} for f in fills]
    assert findings(OkxFill, in_seconds) == [("ts", "unit", True)]


def test_etherscan_value_with_a_decimal_point_blocks() -> None:
    txs = recorded("etherscan/txlist_1_whale.json", "result")
    assert findings(NormalTx, txs) == []
    in_eth = [{**t, "value": "0.5"} for t in txs]
    assert findings(NormalTx, in_eth) == [("value", "unit", True)]


def test_polymarket_prices_above_one_block_but_one_outlier_is_a_bad_record() -> None:
    trades = recorded("polymarket/data_trades_own.json")
    assert len(trades) == 4
    assert findings(DataTrade, trades) == []
    one = [{**trades[0], "price": 52}, *trades[1:]]
    assert findings(DataTrade, one) == []  # 1 of 4: that record is quarantined alone
    most = [{**t, "price": 52} for t in trades[:3]] + trades[3:]
    assert findings(DataTrade, most) == [("price", "unit", True)]  # 3 of 4: cents


def test_required_field_missing_from_every_record_blocks_from_some_does_not() -> None:
    markets = recorded("kalshi/markets_kxnflgame_p2.json", "markets")
    assert len(markets) >= 2
    without = [{k: v for k, v in m.items() if k != "status"} for m in markets]
    assert findings(Market, without) == [("status", "missing", True)]
    assert findings(Market, [without[0], *markets[1:]]) == []


def test_type_change_and_nested_paths() -> None:
    state = recorded("hyperliquid/clearinghouse_state_whale.json")
    assert findings(ClearinghouseState, [state]) == []
    flat = {**state, "marginSummary": "12.5"}
    assert findings(ClearinghouseState, [flat]) == [("marginSummary", "type_changed", True)]
    with watching() as seen, contextlib.suppress(ValueError):
        ClearinghouseState.model_validate(flat)
    (drift,) = seen.findings()
    assert drift.detail == "sent as string where the model reads object (1 of 1 record(s))"
    added = {**state, "marginSummary": {**state["marginSummary"], "isolatedUsd": "1"}}
    assert findings(ClearinghouseState, [added]) == [("marginSummary.isolatedUsd", "added", False)]


def test_espn_extras_are_not_recorded_but_a_lost_required_field_is() -> None:
    events = recorded("espn/scoreboard_nfl_2025_11.json", "events")
    assert findings(Event, events) == []  # hundreds of undeclared fields: ignored by design
    no_teams = [
        {**e, "competitions": [{**c, "competitors": []} for c in e["competitions"]]} for e in events
    ]
    assert findings(Event, no_teams) == []  # an empty list is not a missing field
    no_abbreviation = [
        {
            **e,
            "competitions": [
                {
                    **c,
                    "competitors": [
                        {**p, "team": {k: v for k, v in p["team"].items() if k != "abbreviation"}}
                        for p in c["competitors"]
                    ],
                }
                for c in e["competitions"]
            ],
        }
        for e in events
    ]
    assert findings(Event, no_abbreviation) == [
        ("competitions[].competitors[].team.abbreviation", "missing", True)
    ]


def test_partition_quarantines_a_blocked_page_whole_and_carries_its_drift() -> None:
    trades = recorded("polymarket/data_trades_own.json")
    cents = [{**t, "price": 52} for t in trades]
    good, bad = partition(
        cents, DataTrade.model_validate, source="polymarket", stream="fills", page_id=7
    )
    assert good == []
    assert len(bad) == 4
    assert bad.drift is not None and [d.field for d in bad.drift.blocking] == ["price"]
    assert bad[0].reason == (
        "schema drift on page 7 of polymarket.fills: price unit: 52 is above 1 (a price in "
        "cents?) (4 of 4 record(s))"
    )
    good, bad = partition(
        trades, DataTrade.model_validate, source="polymarket", stream="fills", page_id=8
    )
    assert (len(good), len(bad), bad.drift) == (4, 0, None)
