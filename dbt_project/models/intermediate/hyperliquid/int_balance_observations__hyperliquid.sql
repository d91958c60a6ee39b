-- Hyperliquid input of int_balance_observations: one row per change of an own perp account's
-- summary. equity = marginSummary.accountValue (USDC counted as USD); balance = equity less the
-- unrealized PnL of the positions held at that moment (each coin's latest observation at or
-- before it), i.e. the account's USDC collateral.
with accounts as (
    select * from {{ ref('stg_hyperliquid__account_observations') }}
),

positions as (
    select * from {{ ref('stg_hyperliquid__position_observations') }}
)

select
    'hyperliquid' as venue,
    a.account,
    'USDC' as currency,
    a.account_value - coalesce(held.unrealized_pnl, 0) as balance,
    a.account_value as equity,
    a.observed_at
from accounts as a
left join lateral (
    select sum(latest.unrealized_pnl) as unrealized_pnl
    from (
        select distinct on (p.coin)
            p.signed_size,
            p.unrealized_pnl
        from positions as p
        where p.account = a.account and p.observed_at <= a.observed_at
        order by p.coin asc, p.observed_at desc
    ) as latest
    where latest.signed_size <> 0
) as held on true
