-- Kalshi input of core.fills: already the outcome traded at its own price (see ingestion).
select
    'kalshi' as venue,
    account,
    fill_id,
    order_id,
    client_order_id,
    ticker as market_id,
    ticker as instrument,
    ticker as instrument_raw,
    outcome,
    side,
    price,
    quantity,
    'contracts' as quantity_unit,
    price * quantity as notional,
    fee,
    'USD' as fee_currency,
    is_taker,
    cast(null as numeric) as realized_pnl,
    executed_at,
    loaded_at
from {{ ref('stg_kalshi__fills') }}
