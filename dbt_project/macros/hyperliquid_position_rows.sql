{#-
    The rows of int_position_observations__hyperliquid made from `observations`: a relation or
    CTE with the columns of stg_hyperliquid__position_observations and `previous_size` (the
    signed size of the same account and coin's observation before, NULL without one). The view
    computes previous_size with lag() over every observation; int_position_observations'
    incremental run over the recomputed observations only, the first one's from the stored rows.
    Emits CTEs `held`, `left_side`, `unioned` (the caller's WITH list continues) and the select.
-#}
{% macro hyperliquid_position_rows(observations) -%}
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
        observed_at,
        loaded_at
    from {{ observations }} as observations
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
        observed_at,
        loaded_at
    from {{ observations }} as observations
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
    funding_paid,
    loaded_at
from unioned
{%- endmacro %}
