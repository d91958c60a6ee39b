-- Kalshi input of int_position_observations. The perpetual columns do not apply (NULL); the
-- mark and unrealized PnL of a Kalshi position are added in core.positions from core.markets.
select
    'kalshi' as venue,
    account,
    ticker as market_id,
    outcome,
    quantity,
    cost,
    realized_pnl,
    fees_paid,
    observed_at,
    cast(null as text) as position_side,
    cast(null as numeric) as entry_price,
    cast(null as numeric) as mark_price,
    cast(null as numeric) as unrealized_pnl,
    cast(null as numeric) as leverage,
    cast(null as numeric) as liquidation_price,
    cast(null as numeric) as margin,
    cast(null as numeric) as funding_paid,
    loaded_at
from {{ ref('stg_kalshi__position_observations') }}
