-- One row per linked market outcome x model (version) x observation: the market price, a
-- probability for the outcome and edge = probability - price. Two kinds of model:
-- ref.model_probabilities (latest row at or before the observation, per model version) and
-- ref.probability_matrices applied to the game state valid at the observation (named after the
-- ref.probability_models row of type probability_matrix whose config points at the matrix, else
-- `matrix:<category>/<subcategory>` with the matrix version). See the model docs.
--
-- Incremental per linked outcome: a run rebuilds all edges of only the outcomes whose inputs
-- changed since the previous run (its newest built_at minus `arrival_lookback_hours`).
{{ config(
    materialized='incremental',
    unique_key=['venue', 'market_id', 'outcome'],
    indexes=[
        {'columns': ['venue', 'market_id', 'outcome']},
        {'columns': ['observed_at']},
    ],
) }}

with links as (
    select * from {{ ref('market_game_links') }}
),

{% if is_incremental() %}
    since as (
        select
            coalesce(max(built_at), cast('-infinity' as timestamptz))
            - interval '{{ var("arrival_lookback_hours", 24) }} hours' as since_at
        from {{ this }}
    ),

    -- linked outcomes whose edges may have changed: observations or price points that arrived,
    -- a new state of their game, a new model probability (by computed_at: model probabilities
    -- carry no arrival time), or a link not seen before; a new or changed probability model or
    -- matrix changes every edge
    touched as (
        select venue, market_id, outcome
        from {{ ref('market_history') }}
        where loaded_at >= (select since.since_at from since)
        union
        select venue, market_id, outcome
        from {{ ref('price_history') }}
        where loaded_at >= (select since.since_at from since)
        union
        select links.venue, links.market_id, links.outcome
        from links
        inner join {{ ref('game_state_history') }} as history
            on links.league = history.league and links.game_id = history.game_id
        where history.loaded_at >= (select since.since_at from since)
        union
        select venue, market_id, outcome
        from {{ ref('stg_ref__model_probabilities') }}
        where computed_at >= (select since.since_at from since)
        union
        select links.venue, links.market_id, links.outcome
        from links
        where
            not exists (
                select 1 from {{ this }} as built
                where
                    built.venue = links.venue
                    and built.market_id = links.market_id
                    and built.outcome = links.outcome
            )
            or exists (
                select 1 from {{ ref('stg_ref__probability_matrices') }} as matrices
                where matrices.created_at >= (select since.since_at from since)
            )
            or exists (
                select 1 from {{ ref('stg_ref__probability_models') }} as models
                where greatest(models.created_at, models.updated_at) >= (select since.since_at from since)
            )
    ),
{% endif %}

games as (
    select league, game_id, home_team from {{ ref('game_states') }}
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
        {% if is_incremental() %}
            and (venue, market_id, outcome) in (select * from touched)
        {% endif %}
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
    {% if is_incremental() %}
        where (venue, market_id, outcome) in (select * from touched)
    {% endif %}
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
),

model_probabilities as (
    select * from {{ ref('stg_ref__model_probabilities') }}
),

model_rows as (
    select
        observations.*,
        latest.model_name,
        latest.model_version,
        'model' as probability_source,
        latest.probability,
        latest.computed_at as probability_computed_at,
        cast(null as text) as game_state_descriptor,
        cast(null as text) as value_bucket,
        cast(null as timestamptz) as game_state_valid_from
    from observations
    cross join lateral (
        select distinct on (p.model_name, p.model_version)
            p.model_name,
            p.model_version,
            p.probability,
            p.computed_at
        from model_probabilities as p
        where
            p.venue = observations.venue
            and p.market_id = observations.market_id
            and p.outcome = observations.outcome
            and p.computed_at <= observations.observed_at
        order by p.model_name, p.model_version, p.computed_at desc
    ) as latest
),

-- The game state valid at the observation; before kickoff with no observation yet, pregame. A
-- live state more than 30 minutes old is stale (nobody polled the game then) and is not used.
states as (
    select
        observations.*,
        games.home_team,
        history.status as game_status,
        history.period,
        history.valid_from as game_state_valid_from,
        case
            when observations.team = games.home_team
                then coalesce(history.home_score, 0) - coalesce(history.away_score, 0)
            else coalesce(history.away_score, 0) - coalesce(history.home_score, 0)
        end as team_margin
    from observations
    inner join games
        on observations.league = games.league and observations.game_id = games.game_id
    left join {{ ref('game_state_history') }} as history
        on
            observations.league = history.league
            and observations.game_id = history.game_id
            and observations.observed_at >= history.valid_from
            and (history.valid_to is null or observations.observed_at < history.valid_to)
            and (
                history.status not in ('in_progress', 'halftime', 'end_period')
                or observations.observed_at < history.valid_from + interval '30 minutes'
            )
    where observations.proposition in ('team_wins', 'team_does_not_win')
),

described as (
    select
        states.*,
        case
            when states.game_status is null and states.observed_at < states.game_start_time then 'pregame'
            when states.game_status in ('scheduled', 'delayed') and coalesce(states.period, 0) = 0 then 'pregame'
            when states.game_status = 'halftime' then 'halftime'
            when states.game_status in ('in_progress', 'end_period', 'delayed') and states.period between 1 and 4
                then 'q' || states.period
            when states.game_status in ('in_progress', 'end_period', 'delayed') and states.period > 4 then 'ot'
        end as game_state_descriptor,
        case
            when abs(states.team_margin) = 0 then '0'
            when abs(states.team_margin) <= 3 then '1-3'
            when abs(states.team_margin) <= 6 then '4-6'
            when abs(states.team_margin) <= 10 then '7-10'
            when abs(states.team_margin) <= 14 then '11-14'
            when abs(states.team_margin) <= 21 then '15-21'
            else '22+'
        end as value_bucket
    from states
),

matrix_models as (
    select
        model_name,
        model_version,
        model_config ->> 'category' as category,
        model_config ->> 'subcategory' as subcategory,
        model_config ->> 'matrix_version' as matrix_version
    from {{ ref('stg_ref__probability_models') }}
    where model_type = 'probability_matrix'
),

matrix_rows as (
    select
        described.venue,
        described.market_id,
        described.outcome,
        described.observed_at,
        described.market_price,
        described.price_source,
        described.league,
        described.game_id,
        described.team,
        described.proposition,
        described.game_start_time,
        coalesce(
            matrix_models.model_name, 'matrix:' || matrices.category || '/' || matrices.subcategory
        ) as model_name,
        coalesce(matrix_models.model_version, matrices.matrix_version) as model_version,
        'matrix' as probability_source,
        -- win_probability is the leader's (the home team's when level); turn it into this
        -- team's, then into this outcome's.
        case
            when described.proposition = 'team_wins' then team_odds.team_win_probability
            else 1 - team_odds.team_win_probability
        end as probability,
        matrices.created_at as probability_computed_at,
        described.game_state_descriptor,
        described.value_bucket,
        described.game_state_valid_from
    from described
    inner join {{ ref('stg_ref__probability_matrices') }} as matrices
        on
            described.league = matrices.category
            and described.game_state_descriptor = matrices.state_descriptor
            and described.value_bucket = matrices.value_bucket
            and matrices.situational_factors = cast('{}' as jsonb)
    left join matrix_models
        on
            matrices.category = matrix_models.category
            and matrices.subcategory = matrix_models.subcategory
            and matrices.matrix_version = matrix_models.matrix_version
    cross join lateral (
        select
            case
                when described.team_margin > 0 then matrices.win_probability
                when described.team_margin < 0 then 1 - matrices.win_probability
                when described.team = described.home_team then matrices.win_probability
                else 1 - matrices.win_probability
            end as team_win_probability
    ) as team_odds
),

unioned as (
    select
        venue, market_id, outcome, league, game_id, team, observed_at, model_name, model_version,
        probability_source, probability, probability_computed_at, market_price, price_source,
        game_state_descriptor, value_bucket, game_state_valid_from
    from model_rows
    union all
    select
        venue, market_id, outcome, league, game_id, team, observed_at, model_name, model_version,
        probability_source, probability, probability_computed_at, market_price, price_source,
        game_state_descriptor, value_bucket, game_state_valid_from
    from matrix_rows
)

select
    venue,
    market_id,
    outcome,
    league,
    game_id,
    team,
    observed_at,
    model_name,
    model_version,
    probability_source,
    probability,
    market_price,
    probability - market_price as edge,
    price_source,
    probability_computed_at,
    game_state_descriptor,
    value_bucket,
    game_state_valid_from,
    now() as built_at
from unioned
