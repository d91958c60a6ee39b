-- One row per version of a market outcome (SCD type 2) from the append-only observations.
-- Incremental: only the outcomes with newly arrived observations are rebuilt (see scd2).
{{ config(
    materialized='incremental',
    unique_key=['venue', 'market_id', 'outcome'],
    indexes=[
        {'columns': ['venue', 'market_id', 'outcome', 'valid_from'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}
{{ scd2(
    ref("int_market_observations"),
    entity=["venue", "market_id", "outcome"],
    columns=["event_id", "token_id", "title", "status", "status_raw", "price", "bid", "ask",
             "volume", "open_interest", "result", "settlement_value", "close_time"],
) }}
