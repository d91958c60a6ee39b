{#-
    Incremental on arrival: a run reads only the ledger rows loaded since the watermark
    (see the `arrived_since` macro) and replaces them by (venue, account, fill_id), so a 4h
    refresh costs in proportion to what arrived, whatever the fills' own execution times.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'fill_id'],
    indexes=[
        {'columns': ['venue', 'account', 'fill_id'], 'unique': True},
        {'columns': ['executed_at']},
        {'columns': ['loaded_at']},
        {'columns': ['venue', 'market_id']},
        {'columns': ['venue', 'order_id']},
    ],
) }}
-- Sources add their intermediate model (int_fills__<source>) to this list.
{{ union_inputs(
    ['int_fills__polymarket', 'int_fills__kalshi', 'int_fills__hyperliquid', 'int_fills__okx'],
    incremental=true,
) }}
