{{ config(
    indexes=[
        {'columns': ['venue', 'account', 'order_id'], 'unique': True},
        {'columns': ['created_at']},
        {'columns': ['venue', 'market_id']},
    ],
) }}
-- Sources add their intermediate model (int_orders__<source>) to this list: Kalshi from its
-- order ledger, Polymarket derived from own fills, OKX and Hyperliquid from their order ledgers.
{{ union_inputs(['int_orders__kalshi', 'int_orders__polymarket', 'int_orders__okx', 'int_orders__hyperliquid']) }}
