"""OKX (www.okx.com/docs-v5): every field is a string on the wire, stored exact; prices and
quantities positive; sides buy/sell; times event times (ms on the wire)."""

from quality.rules import between, in_set, non_empty, not_null, past_time, positive

RULES = {
    "okx_fills": [
        non_empty("bill_id"),
        non_empty("inst_id"),
        positive("price"),
        positive("quantity"),
        in_set("side", ["buy", "sell"]),
        past_time("executed_at"),
    ],
    "okx_instrument_observations": [non_empty("inst_id"), past_time("observed_at")],
    "okx_candles": [
        non_empty("inst_id"),
        in_set("bar", ["1H"]),
        positive("open"),
        positive("high"),
        positive("low"),
        positive("close"),
        between("volume", 0),
        past_time("open_time"),
        past_time("observed_at"),
    ],
    "okx_ticker_observations": [
        non_empty("inst_id"),
        positive("bid_px"),
        positive("ask_px"),
        past_time("observed_at"),
    ],
    "okx_position_observations": [
        non_empty("account"),
        non_empty("inst_id"),
        in_set("pos_side", ["long", "short", "net"]),
        not_null("pos"),
        positive("lever"),
        past_time("observed_at"),
    ],
    "okx_balance_observations": [
        non_empty("account"),
        non_empty("currency"),
        past_time("observed_at"),
    ],
    "okx_funding_bills": [
        non_empty("bill_id"),
        in_set("bill_type", ["8"]),
        in_set("sub_type", ["173", "174"]),
        not_null("amount"),
        past_time("paid_at"),
    ],
    "okx_order_observations": [
        non_empty("account"),
        non_empty("order_id"),
        non_empty("inst_id"),
        in_set("side", ["buy", "sell"]),
        in_set("status", ["resting", "partial", "filled", "canceled", "rejected", "expired"]),
        positive("quantity"),
        between("filled_quantity", 0),
        past_time("created_at"),
        past_time("observed_at"),
    ],
}
