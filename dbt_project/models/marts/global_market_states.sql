{#-
    The market regime of each hour, read off BTC (the `global_btc_venue` / `global_btc_instrument`
    hourly candles of core.candles), the first rule that holds winning:
      CRASH     BTC closed >= global_crash_drop_pct % below its close global_crash_hours (24) earlier
      RECOVERY  a CRASH hour lies within the global_recovery_hours before this one
      BULL      30-day trend score >= global_trend_score
      BEAR      30-day trend score <= -global_trend_score
      CRAB      otherwise (no clear trend, or too little history to tell)
    The trend score is the log return over the `global_trend_hours` before the close divided by
    what the hourly volatility of those hours makes a typical move over that span
    (stddev(hourly log returns) × sqrt(hours)): a move of more than one typical move is a trend.
    correlation_spike: the mean over every pair of tracked instruments of the correlation of
    their hourly returns over the last 24 hours is at least correlation_spike_level and has risen
    by at least correlation_spike_jump above its mean over the previous 7 days (everything moving
    together, the way it does in a liquidation cascade).
-#}
{% set btc_venue = var('global_btc_venue', 'hyperliquid') %}
{% set btc_instrument = var('global_btc_instrument', 'BTC') %}
{% set crash_pct = var('global_crash_drop_pct', 10) %}
{% set recovery_hours = var('global_recovery_hours', 72) | int %}
{% set trend_hours = var('global_trend_hours', 720) | int %}
{% set trend_score = var('global_trend_score', 1) %}
{% set spike_level = var('correlation_spike_level', 0.7) %}
{% set spike_jump = var('correlation_spike_jump', 0.3) %}
{% set crash_hours = var('global_crash_hours', 24) | int %}
{% set corr_hours = var('correlation_hours', 24) | int %}
{% set corr_min_hours = var('correlation_min_hours', 12) | int %}
{% set corr_baseline_hours = var('correlation_baseline_hours', 168) | int %}

with returns as (
    {{ hourly_log_returns() }}
),

btc as (
    select
        open_time,
        close,
        log_return,
        min(open_time) over () as first_open_time
    from returns
    where venue = '{{ btc_venue }}' and instrument = '{{ btc_instrument }}'
),

btc_windows as (
    select
        *,
        first_value(close) over last_day as close_day_start,
        first_value(open_time) over last_day as day_start,
        first_value(close) over trend_span as close_trend_start,
        stddev_samp(log_return) over trend_moves as hourly_volatility,
        count(log_return) over trend_moves as trend_returns
    from btc
    window
        last_day as (
            order by open_time range between interval '{{ crash_hours }} hours' preceding and current row
        ),
        trend_span as (
            order by open_time range between interval '{{ trend_hours }} hours' preceding and current row
        ),
        -- the hourly moves that make up the span (the one into its first hour is before it)
        trend_moves as (
            order by open_time
            range between interval '{{ trend_hours - 1 }} hours' preceding and current row
        )
),

btc_features as (
    select
        open_time,
        close,
        case
            when day_start = open_time - interval '{{ crash_hours }} hours'
                then round(100 * (close / close_day_start - 1), 4)
        end as return_24h_pct,
        case
            when first_open_time <= open_time - interval '{{ trend_hours }} hours'
                then round(100 * (close / close_trend_start - 1), 4)
        end as trend_pct,
        case
            when
                first_open_time <= open_time - interval '{{ trend_hours }} hours'
                and hourly_volatility > 0
                then round(
                    cast(ln(close / close_trend_start) / (hourly_volatility * sqrt(trend_returns)) as numeric),
                    4
                )
        end as trend_score
    from btc_windows
),

crashes as (
    select
        *,
        return_24h_pct <= -{{ crash_pct }} as is_crash
    from btc_features
),

recent_crashes as (
    select
        *,
        bool_or(is_crash) over (
            order by open_time
            range between interval '{{ recovery_hours }} hours' preceding and interval '1 hour' preceding
        ) as crashed_recently
    from crashes
),

pair_returns as (
    -- every pair of tracked instruments (each pair once: a < b), their hourly returns side by side
    select
        a.open_time,
        a.venue || ':' || a.instrument as instrument_a,
        b.venue || ':' || b.instrument as instrument_b,
        a.log_return as return_a,
        b.log_return as return_b
    from returns as a
    inner join returns as b
        on
            a.open_time = b.open_time
            and (a.venue, a.instrument) < (b.venue, b.instrument)
    where a.log_return is not null and b.log_return is not null
),

pair_correlations as (
    select
        open_time,
        case
            when count(*) over last_day >= {{ corr_min_hours }} then corr(return_a, return_b) over last_day
        end as correlation_24h
    from pair_returns
    window last_day as (
        partition by instrument_a, instrument_b order by open_time
        range between interval '{{ corr_hours - 1 }} hours' preceding and current row
    )
),

mean_correlations as (
    select
        open_time,
        round(cast(avg(correlation_24h) as numeric), 4) as mean_correlation_24h
    from pair_correlations
    group by open_time
),

correlation_baselines as (
    select
        *,
        avg(mean_correlation_24h) over (
            order by open_time range between interval '{{ corr_baseline_hours }} hours' preceding and interval '1 hour' preceding
        ) as baseline_correlation
    from mean_correlations
),

classified as (
    select
        recent_crashes.open_time,
        recent_crashes.close,
        recent_crashes.return_24h_pct,
        recent_crashes.trend_pct,
        recent_crashes.trend_score,
        correlation_baselines.mean_correlation_24h,
        case
            when recent_crashes.is_crash then 'CRASH'
            when recent_crashes.crashed_recently then 'RECOVERY'
            when recent_crashes.trend_score >= {{ trend_score }} then 'BULL'
            when recent_crashes.trend_score <= -{{ trend_score }} then 'BEAR'
            else 'CRAB'
        end as state,
        coalesce(
            correlation_baselines.mean_correlation_24h >= {{ spike_level }}
            and correlation_baselines.mean_correlation_24h
            - correlation_baselines.baseline_correlation >= {{ spike_jump }},
            false
        ) as correlation_spike
    from recent_crashes
    left join correlation_baselines on recent_crashes.open_time = correlation_baselines.open_time
)

select
    open_time as hour,
    open_time + interval '1 hour' as detected_at,
    close as btc_price,
    state,
    lag(state) over (order by open_time) as previous_state,
    return_24h_pct,
    trend_pct,
    trend_score,
    mean_correlation_24h,
    correlation_spike
from classified
