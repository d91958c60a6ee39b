"""Wire models of the OKX v5 responses we read, as documented in 2026.

Every value arrives as a JSON string; OKX sends "" for "not applicable" (execType of a
liquidation, ctVal of a spot pair, ordId of a block trade). Ids (billId, ordId, tradeId, uid)
are 18-19 digit decimal strings: kept as exact text, never through int64 or float. Amounts become
Decimal straight from the string. Models are lenient (unknown fields ignored, optional fields
may be absent or ""), but a fill without what we need to book it is rejected and quarantined.

Docs:
- fills: https://www.okx.com/docs-v5/en/#order-book-trading-trade-get-transaction-details-last-3-days
  and ...-last-3-months (same record shape)
- instruments: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
- account config: https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-account-configuration
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from ingestion.drift import UnitRule, epoch_seconds
from ingestion.wire import Id, Millis, Num, OptId, Text, Wire

# Unit table (ingestion/drift.py): OKX documents every time as Unix milliseconds.
UNIT_RULES = tuple(
    UnitRule(name, epoch_seconds)
    for name in ("ts", "fillTime", "cTime", "uTime", "listTime", "expTime")
)


class _Wire(Wire):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    unit_rules = UNIT_RULES


class Fill(_Wire):
    """One record of GET /api/v5/trade/fills or /fills-history (identical shapes)."""

    wire_known = frozenset({"fillFwdPx", "fillMarkVol", "fillPxUsd", "fillPxVol"})

    inst_type: str = Field(alias="instType")
    inst_id: str = Field(alias="instId")
    bill_id: Id = Field(alias="billId")  # the pagination cursor; unique per account bill
    trade_id: OptId = Field(alias="tradeId", default=None)  # negative for liquidation / ADL
    ord_id: OptId = Field(alias="ordId", default=None)  # "" for block trades
    cl_ord_id: Text = Field(alias="clOrdId", default=None)
    sub_type: Text = Field(alias="subType", default=None)
    tag: Text = None
    fill_px: Num = Field(alias="fillPx")
    fill_sz: Num = Field(alias="fillSz")
    fill_pnl: Num = Field(alias="fillPnl", default=None)
    fill_idx_px: Num = Field(alias="fillIdxPx", default=None)
    fill_mark_px: Num = Field(alias="fillMarkPx", default=None)
    side: str
    pos_side: Text = Field(alias="posSide", default=None)
    exec_type: Text = Field(alias="execType", default=None)  # "" for liquidation / ADL
    fee: Num = None  # OKX sign: negative = charged, positive = rebate
    fee_ccy: Text = Field(alias="feeCcy", default=None)
    fee_rate: Num = Field(alias="feeRate", default=None)
    trade_quote_ccy: Text = Field(alias="tradeQuoteCcy", default=None)
    ts: Millis  # data generation time
    fill_time: Millis = Field(alias="fillTime", default=None)  # trade time


class Instrument(_Wire):
    """One record of GET /api/v5/public/instruments."""

    wire_known = frozenset(
        {
            "alias",
            "category",
            "contTdSwTime",
            "futureSettlement",
            "groupId",
            "instCategory",
            "instIdCode",
            "lever",
            "maxIcebergSz",
            "maxLmtAmt",
            "maxLmtSz",
            "maxMktAmt",
            "maxMktSz",
            "maxStopSz",
            "maxTriggerSz",
            "maxTwapSz",
            "openType",
            "optType",
            "preMktSwTime",
            "ruleType",
            "stk",
            "tradeQuoteCcyList",
            "upcChg",
        }
    )

    inst_type: str = Field(alias="instType")
    inst_id: str = Field(alias="instId")
    inst_family: Text = Field(alias="instFamily", default=None)
    uly: Text = None
    base_ccy: Text = Field(alias="baseCcy", default=None)
    quote_ccy: Text = Field(alias="quoteCcy", default=None)
    settle_ccy: Text = Field(alias="settleCcy", default=None)
    ct_val: Num = Field(alias="ctVal", default=None)
    ct_mult: Num = Field(alias="ctMult", default=None)
    ct_val_ccy: Text = Field(alias="ctValCcy", default=None)
    ct_type: Text = Field(alias="ctType", default=None)  # linear / inverse (derivatives)
    state: Text = None
    tick_sz: Num = Field(alias="tickSz", default=None)
    lot_sz: Num = Field(alias="lotSz", default=None)
    min_sz: Num = Field(alias="minSz", default=None)
    list_time: Millis = Field(alias="listTime", default=None)
    exp_time: Millis = Field(alias="expTime", default=None)


class AccountConfig(_Wire):
    """GET /api/v5/account/config: `uid` identifies the account (stable across API keys)."""

    uid: Id
    main_uid: OptId = Field(alias="mainUid", default=None)
    label: Text = None  # the API key's note; can change, so not used as the account id
