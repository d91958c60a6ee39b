{#-
    Every funding payment of an own perpetual position. Incremental on arrival like core.fills:
    a run reads the payments loaded since the watermark (`arrived_since`); a payment is booked
    once by its key, so a re-delivery changes nothing.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'instrument', 'paid_at'],
    indexes=[
        {'columns': ['venue', 'account', 'instrument', 'paid_at'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}

-- Sources add their intermediate model (int_funding_payments__<source>) to this list.
{{ union_inputs(['int_funding_payments__okx', 'int_funding_payments__hyperliquid'], incremental=true) }}
