-- One row per version of a market outcome (SCD type 2) from the append-only observations.
{{ scd2(
    ref("int_market_observations"),
    entity=["venue", "market_id", "outcome"],
    columns=["event_id", "token_id", "title", "status", "status_raw", "price", "bid", "ask",
             "volume", "open_interest", "result", "settlement_value", "close_time"],
) }}
