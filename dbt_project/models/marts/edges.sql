-- One row per linked market outcome x model (version) x observation: the market price, a
-- probability for the outcome and edge = probability - price. Two kinds of model:
-- ref.model_probabilities (latest row at or before the observation, per model version) and
-- ref.probability_matrices applied to the game state valid at the observation (named after the
-- ref.probability_models row of type probability_matrix whose config points at the matrix, else
-- `matrix:<category>/<subcategory>` with the matrix version). See the model docs.
-- Observations come from int_edge_observations, game states and their matrix keys from
-- int_edge_game_states; this model joins the probabilities.
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

-- depends_on: {{ ref('market_game_links') }}
-- depends_on: {{ ref('market_history') }}
-- depends_on: {{ ref('price_history') }}
-- depends_on: {{ ref('game_state_history') }}
with
{% if is_incremental() %}
    links as (
        select * from {{ ref('market_game_links') }}
    ),

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

observations as (
    select * from {{ ref('int_edge_observations') }}
    {% if is_incremental() %}
        where (venue, market_id, outcome) in (select * from touched)
    {% endif %}
),

game_states as (
    select * from {{ ref('int_edge_game_states') }}
    {% if is_incremental() %}
        where (venue, market_id, outcome) in (select * from touched)
    {% endif %}
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
        game_states.venue,
        game_states.market_id,
        game_states.outcome,
        game_states.observed_at,
        game_states.market_price,
        game_states.price_source,
        game_states.league,
        game_states.game_id,
        game_states.team,
        game_states.proposition,
        game_states.game_start_time,
        coalesce(
            matrix_models.model_name, 'matrix:' || matrices.category || '/' || matrices.subcategory
        ) as model_name,
        coalesce(matrix_models.model_version, matrices.matrix_version) as model_version,
        'matrix' as probability_source,
        -- win_probability is the leader's (the home team's when level); turn it into this
        -- team's, then into this outcome's.
        case
            when game_states.proposition = 'team_wins' then team_odds.team_win_probability
            else 1 - team_odds.team_win_probability
        end as probability,
        matrices.created_at as probability_computed_at,
        game_states.game_state_descriptor,
        game_states.value_bucket,
        game_states.game_state_valid_from
    from game_states
    inner join {{ ref('stg_ref__probability_matrices') }} as matrices
        on
            game_states.league = matrices.category
            and game_states.game_state_descriptor = matrices.state_descriptor
            and game_states.value_bucket = matrices.value_bucket
            and matrices.situational_factors = cast('{}' as jsonb)
    left join matrix_models
        on
            matrices.category = matrix_models.category
            and matrices.subcategory = matrix_models.subcategory
            and matrices.matrix_version = matrix_models.matrix_version
    cross join lateral (
        select
            case
                when game_states.team_margin > 0 then matrices.win_probability
                when game_states.team_margin < 0 then 1 - matrices.win_probability
                when game_states.team = game_states.home_team then matrices.win_probability
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
