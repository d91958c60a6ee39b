-- One row per probability model version (ref.probability_models, plus the matrices that have
-- no model row): how good its probabilities were on the outcomes that resolved, and what the
-- fills it was behind earned. Each resolved outcome is scored with the model's last
-- probability computed before the market closed (model rows: ref.model_probabilities by
-- computed_at; matrix models: int_edge_probabilities by observation time).
with models as (
    select model_name, model_version
    from {{ ref('stg_ref__probability_models') }}
    union
    select distinct model_name, model_version
    from {{ ref('int_edge_probabilities') }}
    where probability_source = 'matrix'
),

resolved as (
    select
        venue,
        market_id,
        outcome,
        settlement_value,
        coalesce(close_time, observed_at) as closed_at
    from {{ ref('markets') }}
    where status = 'settled' and settlement_value in (0, 1)
),

forecasts as (
    select
        model_name,
        model_version,
        venue,
        market_id,
        outcome,
        probability,
        computed_at as forecast_at
    from {{ ref('stg_ref__model_probabilities') }}
    union all
    select
        model_name,
        model_version,
        venue,
        market_id,
        outcome,
        probability,
        observed_at as forecast_at
    from {{ ref('int_edge_probabilities') }}
    where probability_source = 'matrix'
),

last_forecasts as (
    select distinct on (
        forecasts.model_name, forecasts.model_version, forecasts.venue,
        forecasts.market_id, forecasts.outcome)
        forecasts.model_name,
        forecasts.model_version,
        forecasts.probability,
        resolved.settlement_value as outcome_value
    from forecasts
    inner join resolved
        on
            forecasts.venue = resolved.venue
            and forecasts.market_id = resolved.market_id
            and forecasts.outcome = resolved.outcome
    where forecasts.forecast_at < resolved.closed_at
    order by
        forecasts.model_name, forecasts.model_version, forecasts.venue, forecasts.market_id,
        forecasts.outcome, forecasts.forecast_at desc
),

scored as (
    select
        model_name,
        model_version,
        probability,
        outcome_value,
        power(probability - outcome_value, 2) as squared_error,
        -- clipped away from 0 and 1 so that a certain, wrong forecast costs a lot, not infinity
        -ln(
            case
                when outcome_value = 1 then greatest(probability, {{ var('log_loss_epsilon', 0.000001) }})
                else greatest(1 - probability, {{ var('log_loss_epsilon', 0.000001) }})
            end
        ) as log_loss,
        least(floor(probability * 10), 9) as bucket
    from last_forecasts
),

buckets as (
    select
        model_name,
        model_version,
        jsonb_object_agg(
            to_char(bucket / 10, 'FM0.0') || '-' || to_char((bucket + 1) / 10, 'FM0.0'),
            jsonb_build_object(
                'outcomes', outcomes,
                'mean_probability', round(mean_probability, 4),
                'observed_rate', round(observed_rate, 4)
            )
            order by bucket
        ) as calibration
    from (
        select
            model_name,
            model_version,
            bucket,
            count(*) as outcomes,
            avg(probability) as mean_probability,
            avg(outcome_value) as observed_rate
        from scored
        group by model_name, model_version, bucket
    ) as per_bucket
    group by model_name, model_version
),

scores as (
    select
        model_name,
        model_version,
        count(*) as resolved_outcomes,
        avg(squared_error) as brier_score,
        avg(log_loss) as log_loss
    from scored
    group by model_name, model_version
),

live as (
    select
        model_name,
        model_version,
        count(*) as live_trades,
        sum(realized_pnl - fee) as live_net_pnl,
        count(*) filter (where not is_realized) as live_open_trades
    from {{ ref('int_attributed_fill_pnl') }}
    where model_name is not null
    group by model_name, model_version
)

select
    models.model_name,
    models.model_version,
    coalesce(scores.resolved_outcomes, 0) as resolved_outcomes,
    scores.brier_score,
    scores.log_loss,
    coalesce(buckets.calibration, '{}'::jsonb) as calibration,
    coalesce(live.live_trades, 0) as live_trades,
    coalesce(live.live_net_pnl, 0) as live_net_pnl,
    coalesce(live.live_open_trades, 0) as live_open_trades
from models
left join scores
    on models.model_name = scores.model_name and models.model_version = scores.model_version
left join buckets
    on models.model_name = buckets.model_name and models.model_version = buckets.model_version
left join live
    on models.model_name = live.model_name and models.model_version = live.model_version
