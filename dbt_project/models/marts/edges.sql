-- One row per linked market outcome x model (version) x observation: the market price, a
-- probability for the outcome and edge = probability - price. Two kinds of model:
-- ref.model_probabilities (latest row at or before the observation, per model version) and
-- ref.probability_matrices applied to the game state valid at the observation (named after the
-- ref.probability_models row of type probability_matrix whose config points at the matrix, else
-- `matrix:<category>/<subcategory>` with the matrix version). See the model docs.
-- The probabilities come from int_edge_probabilities (observations, game states, model and
-- matrix probabilities); this model adds what an edge is worth after the venue's fee, how far
-- to trust it and what to do.
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
-- depends_on: {{ ref('stg_ref__model_probabilities') }}
-- depends_on: {{ ref('stg_ref__probability_matrices') }}
-- depends_on: {{ ref('stg_ref__probability_models') }}
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

probabilities as (
    select * from {{ ref('int_edge_probabilities') }}
    {% if is_incremental() %}
        where (venue, market_id, outcome) in (select * from touched)
    {% endif %}
),

performance as (
    select * from {{ ref('model_performance') }}
),

priced as (
    select
        probabilities.*,
        -- the fee of one contract at the observed price (the side the edge favours pays the
        -- same: p x (1 - p) is symmetric): Kalshi's taker fee multiplier x P x (1 - P) (the
        -- venue rounds an order's total up to the cent); Polymarket's fee rate x (P x (1 - P))
        -- ^ exponent where the market charges one (var; 0 = fee-free)
        case probabilities.venue
            when 'kalshi'
                then
                    {{ var('kalshi_taker_fee_multiplier', 0.07) }}
                    * probabilities.market_price * (1 - probabilities.market_price)
            when 'polymarket'
                then
                    {% if var('polymarket_taker_fee_rate', 0) == 0 -%}
                        0
                    {%- else -%}
                        {{ var('polymarket_taker_fee_rate', 0) }}
                        * power(
                            probabilities.market_price * (1 - probabilities.market_price),
                            {{ var('polymarket_fee_exponent', 1) }}
                        )
                    {%- endif %}
            else 0
        end as fee_per_contract,
        performance.resolved_outcomes,
        performance.brier_score
    from probabilities
    left join performance
        on
            probabilities.model_name = performance.model_name
            and probabilities.model_version = performance.model_version
),

valued as (
    select
        *,
        abs(edge) - fee_per_contract as expected_value,
        case
            when
                coalesce(resolved_outcomes, 0) >= {{ var('edge_high_confidence_min_outcomes', 30) }}
                and brier_score <= {{ var('edge_high_confidence_max_brier', 0.20) }}
                then 'high'
            when
                coalesce(resolved_outcomes, 0) >= {{ var('edge_medium_confidence_min_outcomes', 5) }}
                and brier_score <= {{ var('edge_medium_confidence_max_brier', 0.25) }}
                then 'medium'
            else 'low'
        end as confidence_level,
        row_number() over (
            partition by venue, market_id, outcome, model_name, model_version
            order by observed_at desc
        ) = 1 as is_current
    from priced
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
    edge,
    price_source,
    probability_computed_at,
    game_state_descriptor,
    value_bucket,
    game_state_valid_from,
    fee_per_contract,
    expected_value,
    confidence_level,
    case
        when
            expected_value >= {{ var('edge_auto_execute_min_ev', 0.05) }}
            and confidence_level = 'high'
            then 'auto_execute'
        when
            expected_value >= {{ var('edge_alert_min_ev', 0.02) }}
            and confidence_level in ('high', 'medium')
            then 'alert'
        else 'ignore'
    end as recommended_action,
    is_current,
    now() as built_at
from valued
