-- Every observation of an own OKX currency balance in the shape of core.balances: balance is
-- the cash balance in the currency, equity its equity in USD (`eqUsd`: balance + unrealized
-- PnL of the currency's positions, valued by OKX).
select
    'okx' as venue,
    account,
    currency,
    cash_bal as balance,
    eq_usd as equity,
    observed_at,
    total_eq as account_equity_usd,
    loaded_at
from {{ ref('stg_okx__balances') }}
