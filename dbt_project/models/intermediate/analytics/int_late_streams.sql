{#-
    One row per 4h report window and scheduled source stream that was late at the window's end
    (or now, for the current window): its last successful sync was longer ago than the var
    `stream_late_after_minutes` allows (three missed ticks of its schedule, as its Dagster
    freshness policy says). Not listed: a stream the report already calls stale in that window
    (int_stale_streams: its last sync there failed), a stream whose last finished sync was skipped
    (switched off in the configuration), one that never succeeded (stale, or never configured).
    Windows: those in which any sync ran, and the current one.
-#}
{%- set late_after = var('stream_late_after_minutes', {}) %}

with streams as (
    {%- if late_after is mapping and late_after %}
        select stream_name, late_after_minutes
        from (
            values
            {%- for name, minutes in late_after.items() | sort %}
                ('{{ name }}', {{ minutes }}){% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as configured (stream_name, late_after_minutes)
    {%- else %}
        select cast(null as text) as stream_name, cast(null as integer) as late_after_minutes
        where false
    {%- endif %}
),

runs as (
    select
        source_name,
        stream,
        source_name || '/' || stream as stream_name,
        started_at,
        finished_at,
        status
    from {{ ref('stg_ops__sync_runs') }}
),

windows as (
    select distinct {{ report_window_start('started_at') }} as period_start
    from runs
    union
    select {{ report_window_start('now()') }}
),

checked as (
    select
        windows.period_start,
        streams.stream_name,
        streams.late_after_minutes,
        least(windows.period_start + interval '4 hours', now()) as checked_at
    from windows
    cross join streams
),

states as (
    select
        checked.*,
        last_finished.source_name,
        last_finished.stream,
        last_finished.status as last_status,
        last_success.finished_at as last_success_at
    from checked
    inner join lateral (
        select runs.source_name, runs.stream, runs.status
        from runs
        where
            runs.stream_name = checked.stream_name
            and runs.status <> 'running'
            and runs.finished_at <= checked.checked_at
        order by runs.finished_at desc
        limit 1
    ) as last_finished on true
    inner join lateral (
        select max(runs.finished_at) as finished_at
        from runs
        where
            runs.stream_name = checked.stream_name
            and runs.status = 'succeeded'
            and runs.finished_at <= checked.checked_at
    ) as last_success on last_success.finished_at is not null
)

select
    period_start,
    source_name,
    stream,
    stream_name,
    checked_at,
    last_success_at,
    late_after_minutes,
    cast(floor(extract(epoch from (checked_at - last_success_at)) / 60) as integer)
        as minutes_since_success
from states
where
    last_status <> 'skipped'
    and checked_at - last_success_at > late_after_minutes * interval '1 minute'
    and not exists (
        select 1
        from {{ ref('int_stale_streams') }} as stale
        where stale.period_start = states.period_start and stale.stream_name = states.stream_name
    )
