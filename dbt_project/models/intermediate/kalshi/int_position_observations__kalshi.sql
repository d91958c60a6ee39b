-- Kalshi input of int_position_observations.
select
    'kalshi' as venue,
    account,
    ticker as market_id,
    outcome,
    quantity,
    cost,
    realized_pnl,
    fees_paid,
    observed_at
from {{ ref('stg_kalshi__position_observations') }}
