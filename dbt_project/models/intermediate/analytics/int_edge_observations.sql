-- Every price observation of a linked market outcome: each `open` version of the outcome in
-- core.market_history (at valid_from; last price, else the bid/ask midpoint) and each point of
-- core.price_history (at ts); at the same instant the price point wins. Prices outside [0, 1]
-- are ignored. The first step of marts.edges (see its docs).
with links as (
    select * from {{ ref('market_game_links') }}
),

-- Observations: every open version of the market outcome, and every recorded price point.
-- Where both exist at the same instant the price point wins (it is a traded/mid price).
history_points as (
    select
        venue,
        market_id,
        outcome,
        valid_from as observed_at,
        coalesce(price, (bid + ask) / 2) as market_price,
        'market_history' as price_source
    from {{ ref('market_history') }}
    where
        status = 'open'
),

price_points as (
    select
        venue,
        market_id,
        outcome,
        ts as observed_at,
        price as market_price,
        'price_history' as price_source
    from {{ ref('price_history') }}
),

ranked_points as (
    select
        points.*,
        row_number() over (
            partition by points.venue, points.market_id, points.outcome, points.observed_at
            order by case points.price_source when 'price_history' then 0 else 1 end
        ) as point_rank
    from (
        select * from history_points
        union all
        select * from price_points
    ) as points
    where points.market_price between 0 and 1
),

observations as (
    select
        ranked_points.venue,
        ranked_points.market_id,
        ranked_points.outcome,
        ranked_points.observed_at,
        ranked_points.market_price,
        ranked_points.price_source,
        links.league,
        links.game_id,
        links.team,
        links.proposition,
        links.game_start_time
    from ranked_points
    inner join links
        on
            ranked_points.venue = links.venue
            and ranked_points.market_id = links.market_id
            and ranked_points.outcome = links.outcome
    where ranked_points.point_rank = 1
)

select * from observations
