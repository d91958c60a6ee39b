{#-
    One row per UTC day x venue x account: a group-by of int_pnl_events (the PnL rules and the
    replacement of a resolution by a later settlement live there). Incremental: a run recomputes
    only the days from the latest stored day minus `performance_lookback_days` (default 3) on,
    or from the earliest day of an event that arrived since the arrival watermark
    (`arrived_since` on fills_loaded_at: a backfilled fill, a resolved position it changed, a
    settlement that arrived late and the resolution it replaced), whichever is earlier, so a 4h
    refresh costs in proportion to the new data; `dbt build --full-refresh` recomputes all.
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
                        select min((recognized_at at time zone 'UTC')::date)
                        from {{ ref('int_pnl_events') }}
                        where arrived_at >= {{ arrived_since('fills_loaded_at') }}
                    )
                ),
                '-infinity'::date
            )::timestamp at time zone 'UTC' as since_at
    ),
{% endif %}

events as (
    select
        (recognized_at at time zone 'UTC')::date as day,
        *
    from {{ ref('int_pnl_events') }}
    {% if is_incremental() %}
        where recognized_at >= (select since.since_at from since)
    {% endif %}
),

by_day as (
    select
        day,
        venue,
        account,
        count(*) filter (where event_kind = 'fill') as fills,
        coalesce(sum(volume), 0) as volume,
        coalesce(sum(fee), 0) as fees,
        coalesce(sum(pnl) filter (where event_kind = 'fill'), 0) as fill_pnl,
        count(*) filter (where event_kind = 'settlement') as settlements,
        coalesce(sum(pnl) filter (where event_kind = 'settlement'), 0) as settlement_pnl,
        count(*) filter (where event_kind = 'resolution') as resolved_positions,
        coalesce(sum(pnl) filter (where event_kind = 'resolution'), 0) as resolution_pnl,
        max(arrived_at) as fills_loaded_at
    from events
    where not is_replaced
    group by day, venue, account
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
from by_day
