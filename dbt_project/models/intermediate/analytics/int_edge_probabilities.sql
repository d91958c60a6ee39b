-- One row per linked market outcome x model (version) x observation with the model's
-- probability for the outcome: ref.model_probabilities (latest row at or before the
-- observation, per model version) and ref.probability_matrices applied to the game state valid
-- at the observation. The third step of marts.edges (see its docs); marts.model_performance
-- scores the matrix models from it.
with observations as (
    select * from {{ ref('int_edge_observations') }}
),

game_states as (
    select * from {{ ref('int_edge_game_states') }}
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
    *,
    probability - market_price as edge
from unioned
