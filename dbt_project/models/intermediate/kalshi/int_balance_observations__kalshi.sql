-- Kalshi input of int_balance_observations.
select
    'kalshi' as venue,
    account,
    currency,
    balance,
    observed_at
from {{ ref('stg_kalshi__balance_observations') }}
