-- One row per risk alert of a prop-firm challenge, derived from ledger.challenge_events (the
-- state each event leaves behind). Thresholds are dbt vars (see the model docs). An alert is
-- RESOLVED once its condition ended, and at the latest when its challenge ended.
{% set high_share = var('challenge_high_drawdown_share', 0.8) %}
{% set inactive_days = var('challenge_inactive_days', 3) %}
{% set unusual_multiple = var('challenge_unusual_volume_multiple', 5) %}
{% set unusual_min_days = var('challenge_unusual_volume_min_days', 3) %}

with events as (
    select * from {{ ref('stg_challenges__events') }}
),

challenges as (
    select * from {{ ref('challenges') }}
),

-- each event's state against each threshold it can cross
measured as (
    select
        events.challenge_id,
        events.sequence_number,
        events.occurred_at,
        checks.alert_type,
        checks.kind,
        checks.value_pct,
        checks.threshold_pct,
        checks.value_pct >= checks.threshold_pct as is_over
    from events
    inner join challenges on events.challenge_id = challenges.challenge_id
    cross join
        lateral (
            values
            (
                'HIGH_DRAWDOWN', 'daily', events.daily_drawdown_pct,
                {{ high_share }} * challenges.max_daily_drawdown_pct
            ),
            (
                'HIGH_DRAWDOWN', 'total', events.total_drawdown_pct,
                {{ high_share }} * challenges.max_total_drawdown_pct
            ),
            ('PROFIT_TARGET_REACHED', 'profit', events.profit_pct, challenges.profit_target_pct)
        ) as checks (alert_type, kind, value_pct, threshold_pct)
    where events.equity is not null
),

-- islands of consecutive events over the threshold: a new island starts at each event under it
islands as (
    select
        *,
        sum(case when is_over then 0 else 1 end) over (
            partition by challenge_id, kind order by sequence_number
        ) as island
    from measured
),

over_runs as (
    select
        challenge_id,
        alert_type,
        kind,
        island,
        min(occurred_at) as triggered_at,
        max(value_pct) as peak_pct,
        max(threshold_pct) as threshold_pct
    from islands
    where is_over
    group by challenge_id, alert_type, kind, island
),

recoveries as (
    select
        challenge_id,
        kind,
        island,
        min(occurred_at) as recovered_at
    from islands
    where not is_over
    group by challenge_id, kind, island
),

threshold_alerts as (
    select
        over_runs.challenge_id,
        over_runs.alert_type,
        case when over_runs.alert_type = 'HIGH_DRAWDOWN' then 'HIGH' else 'LOW' end as severity,
        over_runs.triggered_at,
        recoveries.recovered_at as ended_at,
        jsonb_build_object(
            'kind', over_runs.kind,
            'peak_pct', over_runs.peak_pct,
            'threshold_pct', over_runs.threshold_pct
        ) as details
    from over_runs
    left join recoveries
        on
            over_runs.challenge_id = recoveries.challenge_id
            and over_runs.kind = recoveries.kind
            and recoveries.island = over_runs.island + 1
),

violations as (
    select
        challenge_id,
        case violation_rule
            when 'daily_drawdown' then 'DAILY_DRAWDOWN_EXCEEDED'
            when 'total_drawdown' then 'TOTAL_DRAWDOWN_EXCEEDED'
            else 'LATE_DATA'
        end as alert_type,
        case when violation_rule = 'late_data' then 'MEDIUM' else 'CRITICAL' end as severity,
        occurred_at as triggered_at,
        case when violation_rule = 'late_data' then occurred_at end as ended_at,
        jsonb_build_object(
            'rule', violation_rule,
            'description', description,
            'value_pct', event_data ->> 'value_pct',
            'limit_pct', event_data ->> 'limit_pct',
            'item', event_data ->> 'item',
            'sequence_number', sequence_number
        ) as details
    from events
    where event_type = 'RISK_VIOLATION_DETECTED'
),

fills as (
    select
        challenge_id,
        occurred_at,
        notional
    from events
    where event_type = 'TRADE_EXECUTED' and trade_kind = 'fill'
),

-- gaps between fills (from the start) of at least `inactive_days`, while the challenge ran
gaps as (
    select
        challenges.challenge_id,
        starts.gap_start,
        lead(starts.gap_start) over (
            partition by challenges.challenge_id order by starts.gap_start
        ) as next_fill_at,
        coalesce(challenges.ended_at, now()) as active_until
    from challenges
    cross join
        lateral (
            select challenges.started_at as gap_start
            union all
            select fills.occurred_at from fills
            where fills.challenge_id = challenges.challenge_id
        ) as starts
    where challenges.status != 'PENDING'
),

inactive as (
    select
        challenge_id,
        'INACTIVE_TRADING' as alert_type,
        'MEDIUM' as severity,
        gap_start + interval '{{ inactive_days }} days' as triggered_at,
        next_fill_at as ended_at,
        jsonb_build_object(
            'last_fill_or_start_at', gap_start,
            'next_fill_at', next_fill_at,
            'inactive_days', {{ inactive_days }}
        ) as details
    from gaps
    where gap_start + interval '{{ inactive_days }} days' < least(coalesce(next_fill_at, active_until), active_until)
),

daily_volume as (
    select
        challenge_id,
        date_trunc('day', occurred_at at time zone 'UTC') as day,
        min(occurred_at) as first_fill_at,
        sum(notional) as volume
    from fills
    group by challenge_id, date_trunc('day', occurred_at at time zone 'UTC')
),

medians as (
    select
        challenge_id,
        count(*) as days,
        percentile_cont(0.5) within group (order by volume) as median_volume
    from daily_volume
    group by challenge_id
),

unusual as (
    select
        daily_volume.challenge_id,
        'UNUSUAL_ACTIVITY' as alert_type,
        'MEDIUM' as severity,
        daily_volume.first_fill_at as triggered_at,
        (daily_volume.day + interval '1 day') at time zone 'UTC' as ended_at,
        jsonb_build_object(
            'day', to_char(daily_volume.day, 'YYYY-MM-DD'),
            'volume', daily_volume.volume,
            'median_daily_volume', medians.median_volume,
            'multiple', round(cast(daily_volume.volume / nullif(medians.median_volume, 0) as numeric), 2)
        ) as details
    from daily_volume
    inner join medians on daily_volume.challenge_id = medians.challenge_id
    where
        medians.days >= {{ unusual_min_days }}
        and daily_volume.volume > {{ unusual_multiple }} * medians.median_volume
),

alerts as (
    select * from threshold_alerts
    union all
    select * from violations
    union all
    select * from inactive
    union all
    select * from unusual
)

select
    md5(alerts.challenge_id || '|' || alerts.alert_type || '|' || alerts.triggered_at || '|' || cast(alerts.details as text))
        as alert_id,
    alerts.challenge_id,
    challenges.venue,
    challenges.account,
    alerts.alert_type,
    alerts.severity,
    case
        when least(alerts.ended_at, challenges.ended_at) is not null then 'RESOLVED' else 'ACTIVE'
    end as status,
    alerts.triggered_at,
    least(alerts.ended_at, challenges.ended_at) as resolved_at,
    alerts.details
from alerts
inner join challenges on alerts.challenge_id = challenges.challenge_id
