{#-
    One row per own fill (venue, account, fill_id) with the exact strategy and model versions
    that placed its order. Incremental: a run writes the fills newer than the stored watermark
    minus `attribution_lookback_days` plus every fill whose order tag arrived after the newest
    tag already attributed (a bot may write its tag late). Configs are immutable versions, so a
    stored row never goes stale; mutable status is deliberately not copied here.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'fill_id'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

with
{% if is_incremental() %}
    watermark as (
        select
            coalesce(max(executed_at), '-infinity'::timestamptz)
            - interval '{{ var("attribution_lookback_days", 3) }} days' as since,
            coalesce(max(tagged_at), '-infinity'::timestamptz) as tagged_since
        from {{ this }}
    ),
{% endif %}

tags as (
    select * from {{ ref('stg_ref__order_tags') }}
),

fills as (
    select fills.*
    from {{ ref('fills') }} as fills
    {% if is_incremental() %}
        where
            fills.executed_at >= (select watermark.since from watermark)
            or exists (
                select 1 from tags
                where
                    tags.venue = fills.venue
                    and tags.order_id = fills.order_id
                    and tags.tagged_at > (select watermark.tagged_since from watermark)
            )
    {% endif %}
),

strategies as (
    select * from {{ ref('stg_ref__strategies') }}
),

models as (
    select * from {{ ref('stg_ref__probability_models') }}
)

select
    fills.venue,
    fills.account,
    fills.fill_id,
    fills.order_id,
    fills.executed_at,
    fills.market_id,
    fills.outcome,
    fills.side,
    fills.price,
    fills.quantity,
    fills.notional,
    fills.fee,
    tags.strategy_name,
    tags.strategy_version,
    strategies.strategy_type,
    strategies.strategy_config,
    tags.model_name,
    tags.model_version,
    models.model_type,
    models.model_config,
    tags.edge_at_execution,
    tags.confidence_at_execution,
    tags.tagged_at,
    tags.order_id is not null as is_tagged
from fills
left join tags
    on fills.venue = tags.venue and fills.order_id = tags.order_id
left join strategies
    on tags.strategy_name = strategies.strategy_name and tags.strategy_version = strategies.strategy_version
left join models
    on tags.model_name = models.model_name and tags.model_version = models.model_version
