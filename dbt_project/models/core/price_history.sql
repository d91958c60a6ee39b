{#-
    Incremental on arrival, like core.fills: a run reads only the price points loaded since the
    watermark (the `arrived_since` macro) and replaces them by (venue, market_id, outcome, ts).
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'market_id', 'outcome', 'ts'],
    indexes=[
        {'columns': ['venue', 'market_id', 'outcome', 'ts'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}
-- Sources add their intermediate model (int_price_history__<source>) to this list.
{{ union_inputs(
    ['int_price_history__polymarket'],
    incremental=true,
) }}
