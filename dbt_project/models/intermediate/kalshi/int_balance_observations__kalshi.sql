-- Kalshi input of int_balance_observations. equity is left NULL here: core.balances adds the
-- open positions marked at core.markets' current price to the latest balance.
select
    'kalshi' as venue,
    account,
    currency,
    balance,
    cast(null as numeric) as equity,
    observed_at,
    loaded_at
from {{ ref('stg_kalshi__balance_observations') }}
