{#-
    One row per change of an account's tilt level: consecutive scored hours of marts.tilt_scores
    (venue, account) whose levels differ. An account starts NORMAL, so its first scored hour is
    an event when it is already above NORMAL (tilt_score_before NULL). occurred_at is the last
    fill or order of the hour that changed the level.
-#}
with scores as (
    select
        *,
        lag(tilt_level) over account_hours as previous_level,
        lag(tilt_score) over account_hours as previous_score
    from {{ ref('tilt_scores') }}
    window account_hours as (partition by venue, account order by hour_start)
)

select
    venue,
    account,
    last_activity_at as occurred_at,
    hour_start,
    coalesce(previous_level, 'NORMAL') as level_before,
    tilt_level as level_after,
    previous_score as tilt_score_before,
    tilt_score as tilt_score_after,
    indicators as tilt_indicators
from scores
where tilt_level != coalesce(previous_level, 'NORMAL')
