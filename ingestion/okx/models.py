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
- candles: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-candlesticks and
  ...-get-candlesticks-history (same row shape)
- ticker: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-ticker
- positions: https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-positions
- balance: https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance
- bills: https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-bills-details-last-7-days
  and ...-last-3-months (/account/bills-archive, same record shape)
- orders: https://www.okx.com/docs-v5/en/#order-book-trading-trade-get-order-history-last-7-days
  and ...-get-order-history-last-3-months (/trade/orders-history-archive, same record shape)
"""

from __future__ import annotations

from typing import Any

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


# A candle arrives as an array [ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]; it is read as the
# object these names make, so the drift watch and the model see named fields. Elements beyond
# the documented nine are kept under their index ("9", ...) and show up as drift.
CANDLE_FIELDS = ("ts", "o", "h", "l", "c", "vol", "volCcy", "volCcyQuote", "confirm")


def candle_record(row: Any) -> dict:
    if not isinstance(row, list | tuple):
        raise ValueError(f"candle {row!r:.80} is not an array")
    if len(row) < 6:
        raise ValueError(f"candle has {len(row)} elements, expected {len(CANDLE_FIELDS)}")
    names = CANDLE_FIELDS + tuple(str(i) for i in range(len(CANDLE_FIELDS), len(row)))
    return dict(zip(names, row, strict=False))


class Candle(_Wire):
    """One row of GET /api/v5/market/candles or /history-candles, named by CANDLE_FIELDS.
    `vol` is contracts for derivatives and base currency for SPOT/MARGIN; `volCcy` base currency
    for derivatives and quote currency for SPOT/MARGIN; `volCcyQuote` quote currency."""

    ts: Millis
    open: Num = Field(alias="o")
    high: Num = Field(alias="h")
    low: Num = Field(alias="l")
    close: Num = Field(alias="c")
    vol: Num = None
    vol_ccy: Num = Field(alias="volCcy", default=None)
    vol_ccy_quote: Num = Field(alias="volCcyQuote", default=None)
    confirm: Text = None  # "0" the K line is uncompleted, "1" completed


class Ticker(_Wire):
    """GET /api/v5/market/ticker (one element of `data`)."""

    inst_type: Text = Field(alias="instType", default=None)
    inst_id: str = Field(alias="instId", min_length=1)
    last: Num = None
    last_sz: Num = Field(alias="lastSz", default=None)
    ask_px: Num = Field(alias="askPx", default=None)
    ask_sz: Num = Field(alias="askSz", default=None)
    bid_px: Num = Field(alias="bidPx", default=None)
    bid_sz: Num = Field(alias="bidSz", default=None)
    open_24h: Num = Field(alias="open24h", default=None)
    high_24h: Num = Field(alias="high24h", default=None)
    low_24h: Num = Field(alias="low24h", default=None)
    vol_ccy_24h: Num = Field(alias="volCcy24h", default=None)
    vol_24h: Num = Field(alias="vol24h", default=None)
    sod_utc0: Num = Field(alias="sodUtc0", default=None)
    sod_utc8: Num = Field(alias="sodUtc8", default=None)
    ts: Millis = None


class Position(_Wire):
    """One element of GET /api/v5/account/positions. OKX signs: `fee` and `fundingFee`
    accumulated, negative = charged to the account; `realizedPnl` = pnl + fee + fundingFee +
    liqPenalty + settledPnl. `pos` is signed only in net mode (posSide "net")."""

    wire_known = frozenset(
        {
            "adl", "availPos", "baseBal", "baseBorrowed", "baseInterest", "bePx", "bizRefId",
            "bizRefType", "clSpotInUseAmt", "closeOrderAlgo", "deltaBS", "deltaPA", "gammaBS",
            "gammaPA", "hedgedPos", "idxPx", "interest", "last", "liab", "liabCcy",
            "liqPenalty", "maxSpotInUseAmt", "mgnRatio", "nonSettleAvgPx", "optVal",
            "pendingCloseOrdLiabVal", "quoteBal", "quoteBorrowed", "quoteInterest",
            "settledPnl", "spotInUseAmt", "spotInUseCcy", "thetaBS", "thetaPA", "tradeId",
            "uplLastPx", "uplRatioLastPx", "usdPx", "vegaBS", "vegaPA",
        }
    )  # fmt: skip

    inst_type: str = Field(alias="instType", min_length=1)
    inst_id: str = Field(alias="instId", min_length=1)
    mgn_mode: str = Field(alias="mgnMode", min_length=1)
    pos_id: OptId = Field(alias="posId", default=None)
    pos_side: str = Field(alias="posSide", min_length=1)
    pos: Num
    pos_ccy: Text = Field(alias="posCcy", default=None)
    ccy: Text = None
    avg_px: Num = Field(alias="avgPx", default=None)
    mark_px: Num = Field(alias="markPx", default=None)
    upl: Num = None
    upl_ratio: Num = Field(alias="uplRatio", default=None)
    lever: Num = None
    liq_px: Num = Field(alias="liqPx", default=None)
    imr: Num = None
    margin: Num = None
    mmr: Num = None
    notional_usd: Num = Field(alias="notionalUsd", default=None)
    realized_pnl: Num = Field(alias="realizedPnl", default=None)
    pnl: Num = None
    fee: Num = None
    funding_fee: Num = Field(alias="fundingFee", default=None)
    c_time: Millis = Field(alias="cTime", default=None)
    u_time: Millis = Field(alias="uTime", default=None)


class BalanceDetail(_Wire):
    """One element of `details` of GET /api/v5/account/balance."""

    wire_known = frozenset(
        {
            "accAvgPx", "autoLendMtAmt", "autoLendStatus", "availEq", "borrowFroz",
            "clSpotInUseAmt", "colBorrAutoConversion", "colRes", "collateralEnabled",
            "collateralRestrict", "crossLiab", "disEq", "fixedBal", "frpType", "imr",
            "interest", "isoEq", "isoLiab", "isoUpl", "liab", "maxLoan", "maxSpotInUse",
            "mgnRatio", "mmr", "notionalLever", "openAvgPx", "ordFrozen", "rewardBal",
            "smtSyncEq", "spotBal", "spotCopyTradingEq", "spotInUseAmt", "spotIsoBal",
            "spotUpl", "spotUplRatio", "stgyEq", "totalPnl", "totalPnlRatio", "twap",
            "uplLiab",
        }
    )  # fmt: skip

    ccy: str = Field(min_length=1)
    eq: Num = None
    cash_bal: Num = Field(alias="cashBal", default=None)
    eq_usd: Num = Field(alias="eqUsd", default=None)
    upl: Num = None
    avail_bal: Num = Field(alias="availBal", default=None)
    frozen_bal: Num = Field(alias="frozenBal", default=None)
    u_time: Millis = Field(alias="uTime", default=None)


class Balance(_Wire):
    """One element of `data` of GET /api/v5/account/balance (the trading account)."""

    wire_known = frozenset(
        {
            "adjEq", "availEq", "borrowFroz", "delta", "deltaLever", "deltaNeutralStatus",
            "imr", "isoEq", "mgnRatio", "mmr", "notionalUsd", "notionalUsdForBorrow",
            "notionalUsdForFutures", "notionalUsdForOption", "notionalUsdForSwap", "ordFroz",
            "upl",
        }
    )  # fmt: skip

    total_eq: Num = Field(alias="totalEq", default=None)
    u_time: Millis = Field(alias="uTime", default=None)
    details: list[BalanceDetail] = Field(default_factory=list)


class Bill(_Wire):
    """One record of GET /api/v5/account/bills or /bills-archive (identical shapes)."""

    wire_known = frozenset(
        {
            "clOrdId", "earnAmt", "earnApr", "execType", "fee", "fillFwdPx", "fillIdxPx",
            "fillMarkPx", "fillMarkVol", "fillPxUsd", "fillPxVol", "fillTime", "from",
            "interest", "notes", "ordId", "posBal", "posBalChg", "tag", "to", "tradeId",
        }
    )  # fmt: skip

    bill_id: Id = Field(alias="billId")
    inst_type: Text = Field(alias="instType", default=None)
    inst_id: Text = Field(alias="instId", default=None)
    ccy: Text = None
    type: str = Field(min_length=1)
    sub_type: Text = Field(alias="subType", default=None)
    bal_chg: Num = Field(alias="balChg", default=None)
    pnl: Num = None
    bal: Num = None
    sz: Num = None
    px: Num = None
    mgn_mode: Text = Field(alias="mgnMode", default=None)
    ts: Millis


class Order(_Wire):
    """One record of GET /api/v5/trade/orders-history or /orders-history-archive (identical
    shapes). `state` is canceled / filled / mmp_canceled for completed orders; live and
    partially_filled are documented order states too and are read the same way."""

    wire_known = frozenset(
        {
            "algoClOrdId", "algoId", "attachAlgoClOrdId", "attachAlgoOrds", "cancelSource",
            "cancelSourceReason", "ccy", "fillPx", "fillSz", "fillTime", "isTpLimit", "lever",
            "linkedAlgoOrd", "pxType", "pxUsd", "pxVol", "quickMgnType", "rebate", "rebateCcy",
            "slOrdPx", "slTriggerPx", "slTriggerPxType", "source", "stpId", "stpMode", "tag",
            "tpOrdPx", "tpTriggerPx", "tpTriggerPxType", "tradeId", "tradeQuoteCcy",
        }
    )  # fmt: skip

    inst_type: str = Field(alias="instType")
    inst_id: str = Field(alias="instId")
    ord_id: Id = Field(alias="ordId")  # the pagination cursor
    cl_ord_id: Text = Field(alias="clOrdId", default=None)
    ord_type: str = Field(alias="ordType", min_length=1)
    side: str
    pos_side: Text = Field(alias="posSide", default=None)
    td_mode: Text = Field(alias="tdMode", default=None)
    tgt_ccy: Text = Field(alias="tgtCcy", default=None)  # SPOT market orders: sz unit
    px: Num = None  # "" for market orders
    sz: Num
    acc_fill_sz: Num = Field(alias="accFillSz", default=None)
    avg_px: Num = Field(alias="avgPx", default=None)
    state: str = Field(min_length=1)
    fee: Num = None  # OKX sign: negative = charged, positive = rebate
    fee_ccy: Text = Field(alias="feeCcy", default=None)
    pnl: Num = None
    category: Text = None
    reduce_only: Text = Field(alias="reduceOnly", default=None)  # "true" / "false"
    c_time: Millis = Field(alias="cTime")
    u_time: Millis = Field(alias="uTime", default=None)
