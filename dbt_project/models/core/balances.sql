-- The latest observed balance of each account and currency.
select distinct on (venue, account, currency)
    venue, account, currency, balance, observed_at
from {{ ref("int_balance_observations") }}
order by venue, account, currency, observed_at desc
