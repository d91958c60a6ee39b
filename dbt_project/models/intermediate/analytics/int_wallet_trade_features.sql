{#-
    One row per trade of a tracked wallet (event_id) with what is fixed once it happened: how
    close to the market's close_time it came and the outcome's price 24 hours before it (for
    the momentum rule; a price point more than 7 days older than that is ignored). Incremental:
    a run reads only the trades that arrived in core.wallet_events since the arrival watermark
    (the `arrived_since` macro) and the price points of the same outcomes from 8 days before
    the oldest of them; the as-of price is found by sorting
    shifted trades among the price points (no per-trade lookup), so the cost follows the data.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    indexes=[{'columns': ['event_id'], 'unique': True}, {'columns': ['occurred_at']}],
) }}

with trades as (
    select *
    from {{ ref('wallet_events') }}
    where
        event_type = 'trade' and side in ('buy', 'sell') and coalesce(succeeded, true)
        {% if is_incremental() %}
            and loaded_at >= {{ arrived_since() }}
        {% endif %}
),

traded_outcomes as (
    select distinct source as venue, market_id, outcome
    from trades
    where market_id is not null and outcome is not null
),

prices as (
    select prices.venue, prices.market_id, prices.outcome, prices.ts, prices.price
    from {{ ref('price_history') }} as prices
    inner join traded_outcomes
        on
            prices.venue = traded_outcomes.venue
            and prices.market_id = traded_outcomes.market_id
            and prices.outcome = traded_outcomes.outcome
    -- the look-back point of the oldest trade, minus the oldest price point still used
    where prices.ts >= (select min(trades.occurred_at) from trades) - interval '8 days'
),

-- each trade moved 24h back in time among the price points (a price at the same instant sorts
-- first, kind 0, so "at or before" holds); trades carry their own columns, so no join back
timeline as (
    select
        venue,
        market_id,
        outcome,
        ts,
        0 as kind,
        price as point_price,
        ts as point_ts,
        cast(null as text) as event_id,
        cast(null as text) as wallet,
        cast(null as text) as side,
        cast(null as numeric) as price,
        cast(null as numeric) as quantity,
        cast(null as numeric) as amount_usd,
        cast(null as numeric) as realized_pnl,
        cast(null as timestamptz) as occurred_at,
        cast(null as timestamptz) as loaded_at
    from prices
    union all
    select
        source as venue,
        market_id,
        outcome,
        occurred_at - interval '24 hours' as ts,
        1 as kind,
        cast(null as numeric) as point_price,
        cast(null as timestamptz) as point_ts,
        event_id,
        wallet,
        side,
        price,
        quantity,
        coalesce(amount_usd, quantity * price) as amount_usd,
        realized_pnl,
        occurred_at,
        loaded_at
    from trades
),

carried as (
    select
        *,
        count(point_price) over (
            partition by venue, market_id, outcome order by ts, kind rows unbounded preceding
        ) as point_group
    from timeline
),

as_of as (
    select
        *,
        max(point_price) over (partition by venue, market_id, outcome, point_group) as last_price,
        max(point_ts) over (partition by venue, market_id, outcome, point_group) as last_price_ts
    from carried
),

with_price as (
    select
        *,
        -- a price point more than 7 days older than the look-back point says nothing
        case when ts - last_price_ts <= interval '7 days' then last_price end as price_24h_before
    from as_of
    where kind = 1
),

markets as (
    select venue, market_id, outcome, close_time
    from {{ ref('markets') }}
)

select
    with_price.wallet,
    with_price.venue as source,
    with_price.event_id,
    with_price.market_id,
    with_price.outcome,
    with_price.side,
    with_price.price,
    with_price.quantity,
    with_price.amount_usd,
    with_price.realized_pnl,
    with_price.occurred_at,
    markets.close_time,
    coalesce(
        markets.close_time > with_price.occurred_at
        and markets.close_time - with_price.occurred_at
        <= interval '{{ var("sniper_minutes_before_close", 60) }} minutes',
        false
    ) as is_near_close,
    with_price.price_24h_before,
    coalesce(
        (with_price.side = 'buy' and with_price.price - with_price.price_24h_before >= {{ var("momentum_min_move", 0.03) }})
        or (with_price.side = 'sell' and with_price.price_24h_before - with_price.price >= {{ var("momentum_min_move", 0.03) }}),
        false
    ) as is_with_momentum,
    with_price.loaded_at
from with_price
left join markets
    on
        with_price.venue = markets.venue
        and with_price.market_id = markets.market_id
        and with_price.outcome = markets.outcome
