{#-
    How closely the instruments an own account held at the same time moved together: one row per
    pair of instruments (`venue:instrument`, position_1 < position_2) and UTC day on which both
    were held at once, by any own account of any venue, with the correlation of their hourly log
    returns (core.candles) over the `position_correlation_hours` (168) ending at the day's end (or
    at the latest candle's close for a day that has not ended). Two positions correlated at 0.8 or more (either sign)
    are one bet twice: alert_triggered.

    Holdings come from the running signed quantity of core.fills (buys add, sells subtract) per
    venue, account and instrument: a position is held from the fill that opens it to the fill
    that brings it back to zero. Only instruments with hourly candles count.
-#}
{% set window_hours = var('position_correlation_hours', 168) | int %}
{% set min_hours = var('position_correlation_min_hours', 24) | int %}
{% set alert_level = var('position_correlation_alert', 0.8) %}

with candle_returns as (
    {{ hourly_log_returns() }}
),

hourly_returns as (
    select
        venue || ':' || instrument as position_key,
        open_time,
        log_return
    from candle_returns
    where log_return is not null
),

running as (
    select
        venue,
        account,
        venue || ':' || instrument as position_key,
        executed_at,
        sum(case when side = 'buy' then quantity else -quantity end) over (
            partition by venue, account, instrument order by executed_at, fill_id
        ) as position_after,
        lead(executed_at) over (partition by venue, account, instrument order by executed_at, fill_id)
            as next_fill_at
    from {{ ref('fills') }}
    where venue || ':' || instrument in (select distinct hourly_returns.position_key from hourly_returns)
),

held as (
    -- from a fill that leaves a position open until the next fill of that instrument (or now)
    select
        position_key,
        executed_at as held_from,
        coalesce(next_fill_at, (select max(hourly_returns.open_time) from hourly_returns) + interval '1 hour')
            as held_until
    from running
    where position_after <> 0
),

held_together as (
    select
        a.position_key as position_1,
        b.position_key as position_2,
        greatest(a.held_from, b.held_from) as together_from,
        least(a.held_until, b.held_until) as together_until
    from held as a
    inner join held as b
        on
            a.position_key < b.position_key
            and a.held_from < b.held_until
            and a.held_until > b.held_from
),

pair_days as (
    select distinct
        position_1,
        position_2,
        cast(day_start at time zone 'UTC' as date) as day,
        -- today's window ends at the latest candle, not at a midnight still to come
        least(
            day_start + interval '1 day',
            (select max(hourly_returns.open_time) from hourly_returns) + interval '1 hour'
        ) as day_end
    from held_together
    cross join
        lateral generate_series(
            date_trunc('day', together_from, 'UTC'),
            date_trunc('day', together_until - interval '1 microsecond', 'UTC'),
            interval '1 day'
        ) as day_start
    where together_until > together_from
),

windowed as (
    select
        pair_days.position_1,
        pair_days.position_2,
        pair_days.day,
        count(*) as hours,
        corr(returns_1.log_return, returns_2.log_return) as correlation
    from pair_days
    inner join hourly_returns as returns_1
        on
            pair_days.position_1 = returns_1.position_key
            and returns_1.open_time >= pair_days.day_end - interval '{{ window_hours }} hours'
            and pair_days.day_end > returns_1.open_time
    inner join hourly_returns as returns_2
        on
            pair_days.position_2 = returns_2.position_key
            and returns_1.open_time = returns_2.open_time
    group by pair_days.position_1, pair_days.position_2, pair_days.day
)

select
    position_1,
    position_2,
    day,
    round(cast(correlation as numeric), 4) as correlation_coefficient,
    {{ window_hours }} as calculation_window,
    hours as hours_used,
    abs(correlation) >= {{ alert_level }} as alert_triggered
from windowed
where hours >= {{ min_hours }} and correlation is not null
