-- One row per reported equity state of a tracked wallet on a venue, and the span it held for.
-- Hyperliquid: the perp account value (marginSummary.accountValue); Polymarket: the value of the
-- open positions (Data API /value, idle cash excluded: a lower bound). The ledgers keep a row
-- only when the state changed, so a state holds from `as_of` until the next one (`valid_until`).
with hyperliquid as (
    select
        wallet,
        'hyperliquid' as source,
        account_value as equity_usd,
        'account_value' as equity_kind,
        -- the venue's clock when it sent one (never later than ours), else ours
        least(venue_time, observed_at) as as_of,
        observed_at,
        loaded_at
    from {{ ref('stg_hyperliquid__wallet_equity') }}
),

polymarket as (
    select
        wallet,
        'polymarket' as source,
        positions_value as equity_usd,
        'positions_value' as equity_kind,
        observed_at as as_of,
        observed_at,
        loaded_at
    from {{ ref('stg_polymarket__wallet_value') }}
),

unioned as (
    select * from hyperliquid
    union all
    select * from polymarket
)

select
    wallet,
    source,
    equity_usd,
    equity_kind,
    as_of,
    lead(as_of) over (partition by wallet, source order by as_of, observed_at) as valid_until,
    observed_at,
    loaded_at
from unioned
