-- Kalshi input of core.settlements: one row per own settled market.
select
    'kalshi' as venue,
    account,
    ticker as market_id,
    event_ticker as event_id,
    result,
    yes_quantity,
    no_quantity,
    yes_cost,
    no_cost,
    revenue,
    fee,
    settled_at,
    loaded_at
from {{ ref('stg_kalshi__settlements') }}
