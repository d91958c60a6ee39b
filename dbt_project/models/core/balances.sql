-- The latest observed balance of each account and currency, with the account's equity (USD):
-- as the venue reports it (Hyperliquid accountValue), else the balance plus the unrealized PnL
-- of the account's open positions on that venue (core.positions; 0 when none or unmarked).
with latest as (
    select distinct on (venue, account, currency)
        venue, account, currency, balance, equity, observed_at
    from {{ ref("int_balance_observations") }}
    order by venue, account, currency, observed_at desc
),

unrealized as (
    select venue, account, sum(unrealized_pnl) as unrealized_pnl
    from {{ ref("positions") }}
    group by venue, account
)

select
    b.venue,
    b.account,
    b.currency,
    b.balance,
    b.observed_at,
    coalesce(b.equity, b.balance + coalesce(u.unrealized_pnl, 0)) as equity
from latest as b
left join unrealized as u on b.venue = u.venue and b.account = u.account
