{#-
    One row per own prediction-market position (venue, account, market_id, outcome) still held
    when its market resolved, for markets the venue reports no settlement for (Polymarket: a
    resolved outcome token is only turned into cash by a redeem, and a losing one never is).
    Held quantity and cost come from the fills (average-cost method); the position realises
    quantity x settlement value - remaining cost when the market resolves (a loser: -cost).

    Incremental: a run looks only at the outcomes that resolved after the data watermark (latest
    fill or recognised resolution) minus `pnl_lookback_days`, or whose fills arrived within
    `pnl_lookback_days` of the newest arrival in int_fill_pnl (a late fill changes what was
    held), and reads only their fills (indexed in int_fill_pnl).
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'market_id', 'outcome'],
) }}

with
{% if is_incremental() %}
    watermark as (
        select
            greatest(
                (select max(recognized_at) from {{ this }}),
                (select max(executed_at) from {{ ref('int_fill_pnl') }})
            ) - interval '{{ var("pnl_lookback_days", 3) }} days' as since
    ),

    -- the outcomes to look at again: resolved since the watermark, or with fills that arrived
    -- in the last `pnl_lookback_days` of arrivals (this model is sparse, so the arrival window
    -- is measured from int_fill_pnl's newest arrival, not from a watermark stored here)
    touched as (
        select venue, market_id, outcome
        from {{ ref('int_market_resolutions') }}
        where resolved_at >= (select watermark.since from watermark)
        union
        select venue, market_id, outcome
        from {{ ref('int_fill_pnl') }}
        where
            outcome is not null
            and loaded_at >= (
                select max(newest.loaded_at) - interval '{{ var("pnl_lookback_days", 3) }} days'
                from {{ ref('int_fill_pnl') }} as newest
            )
    ),
{% endif %}

fills as (
    select * from {{ ref('int_fill_pnl') }}
    where
        outcome is not null
        {% if is_incremental() %}
            and (venue, market_id, outcome) in (select * from touched)
        {% endif %}
),

resolutions as (
    select * from {{ ref('int_market_resolutions') }}
    {% if is_incremental() %}
        where (venue, market_id, outcome) in (select * from touched)
    {% endif %}
),

settled_by_venue as (
    select distinct venue, account, market_id
    from {{ ref('settlements') }}
),

positions as (
    select
        fills.venue,
        fills.account,
        fills.market_id,
        fills.outcome,
        sum(case when fills.side = 'buy' then fills.quantity else -fills.quantity end) as quantity,
        sum(case when fills.side = 'buy' then fills.quantity else 0 end) as bought_quantity,
        sum(case when fills.side = 'buy' then fills.price * fills.quantity else 0 end) as bought_cost,
        max(fills.executed_at) as last_fill_at,
        max(fills.loaded_at) as fills_loaded_at
    from fills
    inner join resolutions
        on
            fills.venue = resolutions.venue
            and fills.market_id = resolutions.market_id
            and fills.outcome = resolutions.outcome
    left join settled_by_venue
        on
            fills.venue = settled_by_venue.venue
            and fills.account = settled_by_venue.account
            and fills.market_id = settled_by_venue.market_id
    where settled_by_venue.market_id is null
    group by fills.venue, fills.account, fills.market_id, fills.outcome
),

held as (
    select
        *,
        -- an average can repeat forever: derived amounts are rounded to 8 decimals
        round(quantity * bought_cost / nullif(bought_quantity, 0), 8) as cost
    from positions
)

select
    held.venue,
    held.account,
    held.market_id,
    held.outcome,
    held.quantity,
    round(held.bought_cost / nullif(held.bought_quantity, 0), 8) as avg_entry_price,
    held.cost,
    resolutions.settlement_value,
    held.quantity * resolutions.settlement_value as payout,
    held.quantity * resolutions.settlement_value - held.cost as resolution_pnl,
    resolutions.resolved_at,
    -- PnL cannot be realised before the position's last trade (a fill after close_time)
    greatest(resolutions.resolved_at, held.last_fill_at) as recognized_at,
    held.fills_loaded_at
from held
inner join resolutions
    on
        held.venue = resolutions.venue
        and held.market_id = resolutions.market_id
        and held.outcome = resolutions.outcome
where held.quantity > 0
