-- One row per asset (a Hyperliquid coin, a Polymarket/Kalshi market outcome) x timeframe
-- (1h / 4h / 24h) x computed_at (the end of every hour with a tracked-wallet trade in it): the
-- credibility-weighted net flow of the tracked wallets over the timeframe, in [-1, 1], shrunk
-- by a confidence that grows with the number of wallets and their credibility. See the docs.
{% set k = var('bias_confidence_k', 2) %}
{% set unscored = var('bias_unscored_credibility', 5) %}

with trades as (
    select
        wallet,
        source,
        market_id,
        outcome,
        coalesce(asset_symbol, market_id) as asset,
        side,
        amount_usd,
        occurred_at
    from {{ ref('wallet_events') }}
    where event_type = 'trade' and side in ('buy', 'sell') and amount_usd > 0
),

hours as (
    select distinct
        source,
        market_id,
        outcome,
        date_trunc('hour', occurred_at) + interval '1 hour' as computed_at
    from trades
),

timeframes as (
    select *
    from (
        values ('1h', interval '1 hour'), ('4h', interval '4 hours'), ('24h', interval '24 hours')
    ) as tf (timeframe, span)
),

flows as (
    select
        hours.source,
        hours.market_id,
        hours.outcome,
        hours.computed_at,
        timeframes.timeframe,
        trades.wallet,
        max(trades.asset) as asset,
        count(*) as trades,
        sum(case when trades.side = 'buy' then trades.amount_usd else -trades.amount_usd end)
            as net_usd,
        sum(trades.amount_usd) as gross_usd
    from hours
    cross join timeframes
    inner join trades
        on
            hours.source = trades.source
            and hours.market_id = trades.market_id
            and hours.outcome is not distinct from trades.outcome
            and hours.computed_at - timeframes.span < trades.occurred_at
            and hours.computed_at >= trades.occurred_at
    group by
        hours.source, hours.market_id, hours.outcome, hours.computed_at, timeframes.timeframe,
        trades.wallet
),

weighted as (
    select
        flows.*,
        coalesce(score.credibility, {{ unscored }}) / 10.0 as weight
    from flows
    left join lateral (
        select
            case flows.timeframe
                when '1h' then scores.credibility_1h
                when '4h' then scores.credibility_4h
                else scores.credibility_24h
            end as credibility
        from {{ ref('wallet_scores') }} as scores
        where scores.wallet = flows.wallet and scores.scored_at <= flows.computed_at
        order by scores.scored_at desc
        limit 1
    ) as score on true
),

summed as (
    select
        source,
        market_id,
        outcome,
        max(asset) as asset,
        timeframe,
        computed_at,
        count(*) as wallets,
        sum(weight) as total_weight,
        sum(weight * net_usd) as weighted_net_usd,
        sum(weight * gross_usd) as weighted_gross_usd,
        sum(net_usd) as net_usd,
        sum(gross_usd) as gross_usd,
        jsonb_agg(
            jsonb_build_object(
                'wallet', wallet, 'weight', round(weight, 4), 'trades', trades,
                'net_usd', net_usd, 'gross_usd', gross_usd
            )
            order by weight desc, wallet
        ) as flows
    from weighted
    group by source, market_id, outcome, timeframe, computed_at
)

select
    source,
    market_id,
    outcome,
    asset,
    timeframe,
    computed_at,
    round(
        weighted_net_usd / nullif(weighted_gross_usd, 0) * total_weight / (total_weight + {{ k }}), 6
    ) as value,
    jsonb_build_object(
        'wallets', wallets,
        'total_weight', round(total_weight, 4),
        'weighted_net_usd', round(weighted_net_usd, 2),
        'weighted_gross_usd', round(weighted_gross_usd, 2),
        'net_usd', net_usd,
        'gross_usd', gross_usd,
        'flows', flows
    ) as components,
    round(total_weight / (total_weight + {{ k }}), 6) as confidence,
    wallets
from summed
