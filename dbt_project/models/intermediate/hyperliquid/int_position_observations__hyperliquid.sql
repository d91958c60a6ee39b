-- Hyperliquid input of int_position_observations: one row per observed state of an own perp
-- position, keyed by side (outcome = position_side, `long`/`short`). A position that closed
-- (szi 0) or flipped side also closes the side it left: a row of quantity 0 for that side at
-- the same observation, so core.positions drops it.
-- The mark is positionValue / |szi|, read in the same answer as the position (so it agrees with
-- its unrealizedPnl); only where the venue sent no positionValue does the coin's latest markPx
-- (metaAndAssetCtxs) observed at or in the hour before the position stand in.
with observations as (
    select
        *,
        lag(signed_size) over (
            partition by account, coin order by observed_at
        ) as previous_size
    from {{ ref('stg_hyperliquid__position_observations') }}
),

held as (
    select
        account,
        coin,
        case when signed_size > 0 then 'long' else 'short' end as position_side,
        abs(signed_size) as quantity,
        entry_price,
        coalesce(position_value / abs(signed_size), latest_mark.mark_price) as mark_price,
        unrealized_pnl,
        leverage,
        liquidation_price,
        margin_used as margin,
        cum_funding_since_open as funding_paid,
        observed_at
    from observations
    left join lateral (
        select contexts.mark_price
        from {{ ref('stg_hyperliquid__asset_contexts') }} as contexts
        where
            contexts.coin = observations.coin
            and contexts.observed_at <= observations.observed_at
            and contexts.observed_at > observations.observed_at - interval '1 hour'
        order by contexts.observed_at desc
        limit 1
    ) as latest_mark on true
    where signed_size <> 0
),

left_side as (
    select
        account,
        coin,
        case when previous_size > 0 then 'long' else 'short' end as position_side,
        cast(0 as numeric) as quantity,
        cast(null as numeric) as entry_price,
        cast(null as numeric) as mark_price,
        cast(null as numeric) as unrealized_pnl,
        cast(null as numeric) as leverage,
        cast(null as numeric) as liquidation_price,
        cast(null as numeric) as margin,
        cast(null as numeric) as funding_paid,
        observed_at
    from observations
    where previous_size <> 0 and sign(signed_size) <> sign(previous_size)
),

unioned as (
    select * from held
    union all
    select * from left_side
)

select
    'hyperliquid' as venue,
    account,
    coin as market_id,
    position_side as outcome,
    quantity,
    quantity * entry_price as cost,
    cast(null as numeric) as realized_pnl,
    cast(null as numeric) as fees_paid,
    observed_at,
    position_side,
    entry_price,
    mark_price,
    unrealized_pnl,
    leverage,
    liquidation_price,
    margin,
    funding_paid
from unioned
