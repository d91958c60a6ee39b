{#-
    One row per own fill (venue, account, fill_id) with the exact strategy and model versions
    that placed its order. Incremental: a run writes the fills that arrived in core.fills since
    the watermark (the `arrived_since` macro) plus every fill whose order tag arrived after the
    newest tag already attributed (a bot may write its tag late). Configs are immutable
    versions, so a stored row never goes stale; mutable status is deliberately not copied here.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'fill_id'],
    indexes=[
        {'columns': ['venue', 'account', 'fill_id'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}

with
tags as (
    select * from {{ ref('stg_ref__order_tags') }}
),

fills as (
    select fills.*
    from {{ ref('fills') }} as fills
    {% if is_incremental() %}
        where fills.loaded_at >= {{ arrived_since() }}
        union
        -- fills whose order tag arrived after the newest one attributed so far
        select fills.*
        from {{ ref('fills') }} as fills
        inner join tags
            on fills.venue = tags.venue and fills.order_id = tags.order_id
        where tags.tagged_at > (
            select coalesce(max(attributed.tagged_at), '-infinity'::timestamptz)
            from {{ this }} as attributed
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
    tags.order_id is not null as is_tagged,
    fills.loaded_at
from fills
left join tags
    on fills.venue = tags.venue and fills.order_id = tags.order_id
left join strategies
    on tags.strategy_name = strategies.strategy_name and tags.strategy_version = strategies.strategy_version
left join models
    on tags.model_name = models.model_name and tags.model_version = models.model_version
