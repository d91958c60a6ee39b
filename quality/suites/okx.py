"""OKX (www.okx.com/docs-v5): every field is a string on the wire, stored exact; prices and
quantities positive; sides buy/sell; times event times (ms on the wire)."""

from quality.rules import in_set, non_empty, past_time, positive

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
}
