{#-
    Incremental on arrival, like core.fills: a run reads only the ledger rows loaded since the
    watermark (see the `arrived_since` macro) and replaces them by event_id.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    indexes=[
        {'columns': ['event_id'], 'unique': True},
        {'columns': ['occurred_at']},
        {'columns': ['loaded_at']},
    ],
) }}
-- Sources add their intermediate model (int_wallet_events__<source>) to this list.
{{ union_inputs(
    ['int_wallet_events__polymarket', 'int_wallet_events__hyperliquid', 'int_wallet_events__etherscan'],
    incremental=true,
) }}
