{#-
    Per closed hourly candle, what the market-state rules of marts.market_states read: the
    previous close, ATR (simple mean of the true range over `market_atr_periods` candles), the
    24h volume, their medians over the `market_baseline_hours` before the candle, the OKX
    instrument's state as last observed by the candle's close, and its bid-ask spread at the
    latest ticker quoted within the hour before the close (OKX only; NULL without one: an older
    quote says little about the book at that close).

    Medians are exact: the mean of the lower and upper middle values (percentile_disc ascending
    and descending), over an array gathered by a range window, so each candle looks at its own
    30 days only. A median is NULL until the instrument's candles reach back the whole baseline.
-#}
{% set atr_periods = [var('market_atr_periods', 14) | int, 2] | max %}
{% set baseline_hours = var('market_baseline_hours', 720) %}

with candles as (
    select
        venue,
        instrument,
        open_time,
        high,
        low,
        close,
        volume
    from {{ ref('candles') }}
    where interval = '1h' and is_closed
),

previous as (
    select
        *,
        lag(close) over by_time as previous_close,
        min(open_time) over (partition by venue, instrument) as first_open_time
    from candles
    window by_time as (partition by venue, instrument order by open_time)
),

true_ranges as (
    select
        *,
        -- greatest() skips NULLs: the first candle's true range is its high - low
        greatest(high - low, abs(high - previous_close), abs(low - previous_close)) as true_range
    from previous
),

rolling as (
    select
        *,
        case
            when count(*) over last_periods = {{ atr_periods }}
                then round(avg(true_range) over last_periods, 8)
        end as atr,
        sum(volume) over last_day as volume_24h
    from true_ranges
    window
        last_periods as (
            partition by venue, instrument order by open_time
            rows between {{ atr_periods - 1 }} preceding and current row
        ),
        last_day as (
            partition by venue, instrument order by open_time
            range between interval '23 hours' preceding and current row
        )
),

baseline_arrays as (
    select
        *,
        array_agg(atr) over baseline as baseline_atrs,
        array_agg(volume_24h) over baseline as baseline_volumes,
        first_open_time <= open_time - interval '{{ baseline_hours }} hours' as has_baseline
    from rolling
    window baseline as (
        partition by venue, instrument order by open_time
        range between interval '{{ baseline_hours }} hours' preceding and interval '1 hour' preceding
    )
),

baselines as (
    select
        baseline_arrays.*,
        medians.median_atr,
        medians.median_volume_24h
    from baseline_arrays
    left join lateral (
        select
            round((
                percentile_disc(0.5) within group (order by atrs.value)
                + percentile_disc(0.5) within group (order by atrs.value desc)
            ) / 2, 8) as median_atr,
            (
                select
                    round((
                        percentile_disc(0.5) within group (order by volumes.value)
                        + percentile_disc(0.5) within group (order by volumes.value desc)
                    ) / 2, 8)
                from unnest(baseline_arrays.baseline_volumes) as volumes (value)
            ) as median_volume_24h
        from unnest(baseline_arrays.baseline_atrs) as atrs (value)
    ) as medians on baseline_arrays.has_baseline
)

select
    baselines.venue,
    baselines.instrument,
    baselines.open_time,
    baselines.close,
    baselines.previous_close,
    baselines.true_range,
    baselines.atr,
    baselines.volume_24h,
    baselines.median_atr,
    baselines.median_volume_24h,
    instrument_state.state as instrument_state,
    spread.spread_bps
from baselines
left join lateral (
    -- OKX only: the instrument's state (`live`, `suspend`, `preopen`, `test`) as last observed
    -- by the candle's close; unknown (NULL) where it was never observed
    select instruments.state
    from {{ ref('stg_okx__instruments') }} as instruments
    where
        baselines.venue = 'okx'
        and instruments.inst_id = baselines.instrument
        and instruments.observed_at <= baselines.open_time + interval '1 hour'
    order by instruments.observed_at desc
    limit 1
) as instrument_state on true
left join lateral (
    select spreads.spread_bps
    from {{ ref('int_ticker_spreads__okx') }} as spreads
    where
        spreads.venue = baselines.venue
        and spreads.instrument = baselines.instrument
        and spreads.quoted_at <= baselines.open_time + interval '1 hour'
        and spreads.quoted_at > baselines.open_time
    order by spreads.quoted_at desc
    limit 1
) as spread on true
