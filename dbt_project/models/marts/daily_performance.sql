{#-
    One row per UTC day x venue x account. Incremental: a run recomputes only the days from the
    latest stored day minus `performance_lookback_days` (default 3) on, or from the earliest
    day of a fill that arrived since the arrival watermark (`arrived_since` on fills_loaded_at;
    a backfilled fill, or a resolved position it changed), whichever is earlier, from the
    incremental int_fill_pnl and the settlements/resolutions of those days, so a 4h refresh
    costs in proportion to the new data; `dbt build --full-refresh` recomputes everything.
-#}
{{ config(
    materialized='incremental',
    unique_key=['day', 'venue', 'account'],
) }}

with
{% if is_incremental() %}
    since as (
        select
            -- least() skips NULLs: no stored day, or nothing arrived
            coalesce(
                least(
                    (select max(day) - {{ var("performance_lookback_days", 3) }} from {{ this }}),
                    (
                        select min((executed_at at time zone 'UTC')::date)
                        from {{ ref('int_fill_pnl') }}
                        where loaded_at >= {{ arrived_since('fills_loaded_at') }}
                    ),
                    (
                        select min((recognized_at at time zone 'UTC')::date)
                        from {{ ref('int_position_resolutions') }}
                        where fills_loaded_at >= {{ arrived_since('fills_loaded_at') }}
                    )
                ),
                '-infinity'::date
            )::timestamp at time zone 'UTC' as since_at
    ),
{% endif %}

fills as (
    select
        (executed_at at time zone 'UTC')::date as day,
        venue,
        account,
        count(*) as fills,
        sum(coalesce(notional, 0)) as volume,
        sum(fee) as fees,
        sum(trading_pnl) as fill_pnl,
        max(loaded_at) as fills_loaded_at
    from {{ ref('int_fill_pnl') }}
    {% if is_incremental() %}
        where executed_at >= (select since.since_at from since)
    {% endif %}
    group by 1, 2, 3
),

settlements as (
    select
        (settled_at at time zone 'UTC')::date as day,
        venue,
        account,
        count(*) as settlements,
        sum(
            coalesce(revenue, 0) - coalesce(yes_cost, 0) - coalesce(no_cost, 0) - coalesce(fee, 0)
        ) as settlement_pnl
    from {{ ref('settlements') }}
    {% if is_incremental() %}
        where settled_at >= (select since.since_at from since)
    {% endif %}
    group by 1, 2, 3
),

resolutions as (
    select
        (resolved.recognized_at at time zone 'UTC')::date as day,
        resolved.venue,
        resolved.account,
        count(*) as resolved_positions,
        sum(resolved.resolution_pnl) as resolution_pnl,
        max(resolved.fills_loaded_at) as fills_loaded_at
    from {{ ref('int_position_resolutions') }} as resolved
    where
        -- a venue settlement that arrived later replaces the resolution estimate
        not exists (
            select 1 from {{ ref('settlements') }} as settled
            where
                settled.venue = resolved.venue
                and settled.account = resolved.account
                and settled.market_id = resolved.market_id
        )
        {% if is_incremental() %}
            and resolved.recognized_at >= (select since.since_at from since)
        {% endif %}
    group by 1, 2, 3
),

keys as (
    select day, venue, account from fills
    union
    select day, venue, account from settlements
    union
    select day, venue, account from resolutions
),

combined as (
    select
        keys.day,
        keys.venue,
        keys.account,
        coalesce(fills.fills, 0) as fills,
        coalesce(fills.volume, 0) as volume,
        coalesce(fills.fees, 0) as fees,
        coalesce(fills.fill_pnl, 0) as fill_pnl,
        coalesce(settlements.settlements, 0) as settlements,
        coalesce(settlements.settlement_pnl, 0) as settlement_pnl,
        coalesce(resolutions.resolved_positions, 0) as resolved_positions,
        coalesce(resolutions.resolution_pnl, 0) as resolution_pnl,
        greatest(fills.fills_loaded_at, resolutions.fills_loaded_at) as fills_loaded_at
    from keys
    left join fills
        on keys.day = fills.day and keys.venue = fills.venue and keys.account = fills.account
    left join settlements
        on keys.day = settlements.day and keys.venue = settlements.venue and keys.account = settlements.account
    left join resolutions
        on keys.day = resolutions.day and keys.venue = resolutions.venue and keys.account = resolutions.account
)

select
    day,
    venue,
    account,
    fills,
    volume,
    fees,
    fill_pnl + settlement_pnl + resolution_pnl as realized_pnl,
    fill_pnl + settlement_pnl + resolution_pnl - fees as net_pnl,
    fill_pnl,
    settlements,
    settlement_pnl,
    resolved_positions,
    resolution_pnl,
    fills_loaded_at
from combined
