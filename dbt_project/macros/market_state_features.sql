{#-
    The features the market-state rules read, per closed hourly candle of core.candles: the
    previous close, ATR (simple mean of the true range over `market_atr_periods` candles), the
    24h volume, their medians over the `market_baseline_hours` before the candle, the OKX
    instrument's state as last observed by the candle's close, and its bid-ask spread at the
    latest quote within the hour before the close (OKX tickers; Hyperliquid asset contexts, whose
    bid and ask are impact prices; NULL without one: an older quote says little about the book
    at that close).

    Medians are exact: the mean of the lower and upper middle values (percentile_disc ascending
    and descending), over an array gathered by a range window, so each candle looks at its own
    30 days only. A median is NULL until the instrument's candles reach back the whole baseline.

    `restate` (optional) names a relation with one row per (venue, instrument) to compute and
    its `restate_at`: only the candles opening at or after it are returned (an instrument not
    in it returns nothing), and only the candles their features read are scanned: the
    baseline's `market_baseline_hours` before restate_at, reaching back the 23 hours of the
    earliest baseline candle's 24h volume, or the `market_atr_periods` candles (and the one
    before them, for the first true range) of its ATR where those lie further back. Without
    `restate` every candle is returned (int_market_state_features, a full build of
    marts.market_states). Both read the same SQL, so an incremental run states a candle
    exactly as a full build does.
-#}
{% macro market_state_features(restate=none) %}
{%- set atr_periods = [var('market_atr_periods', 14) | int, 2] | max %}
{%- set baseline_hours = var('market_baseline_hours', 720) | int %}

with
{%- if restate %}
    bounds as (
        select
            restate.venue,
            restate.instrument,
            restate.restate_at,
            firsts.first_open_time,
            least(
                restate.restate_at - interval '{{ baseline_hours + 23 }} hours',
                coalesce(before_baseline.open_time, cast('-infinity' as timestamptz))
            ) as read_from
        from {{ restate }} as restate
        left join lateral (
            select min(c.open_time) as first_open_time
            from {{ ref('candles') }} as c
            where
                c.venue = restate.venue
                and c.instrument = restate.instrument
                and c.interval = '1h'
                and c.is_closed
        ) as firsts on true
        left join lateral (
            -- the earliest candle the ATR of the baseline's first candle reads
            select c.open_time
            from {{ ref('candles') }} as c
            where
                c.venue = restate.venue
                and c.instrument = restate.instrument
                and c.interval = '1h'
                and c.is_closed
                and c.open_time < restate.restate_at - interval '{{ baseline_hours }} hours'
            order by c.open_time desc
            limit 1 offset {{ atr_periods - 1 }}
        ) as before_baseline on true
    ),
{%- endif %}

candles as (
    select
        c.venue,
        c.instrument,
        c.open_time,
        c.high,
        c.low,
        c.close,
        c.volume,
        c.loaded_at,
        {%- if restate %}
            bounds.first_open_time,
            bounds.restate_at
        {%- else %}
            min(c.open_time) over (partition by c.venue, c.instrument) as first_open_time,
            cast('-infinity' as timestamptz) as restate_at
        {%- endif %}
    from {{ ref('candles') }} as c
    {%- if restate %}
        inner join bounds
            on
                c.venue = bounds.venue
                and c.instrument = bounds.instrument
                and c.open_time >= bounds.read_from
    {%- endif %}
    where c.interval = '1h' and c.is_closed
),

previous as (
    select
        *,
        lag(close) over by_time as previous_close
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
    -- the candles before the baseline of the first one returned were read for their ATR and
    -- 24h volume only
    where open_time >= restate_at - interval '{{ baseline_hours }} hours'
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
    where baseline_arrays.open_time >= baseline_arrays.restate_at
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
    spread.spread_bps,
    baselines.loaded_at
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
    -- OKX: the ticker's best bid and ask; Hyperliquid: the asset context's impact prices
    select spreads.spread_bps
    from (
        select venue, instrument, quoted_at, spread_bps
        from {{ ref('int_ticker_spreads__okx') }}
        union all
        select venue, instrument, quoted_at, spread_bps
        from {{ ref('int_ticker_spreads__hyperliquid') }}
    ) as spreads
    where
        spreads.venue = baselines.venue
        and spreads.instrument = baselines.instrument
        and spreads.quoted_at <= baselines.open_time + interval '1 hour'
        and spreads.quoted_at > baselines.open_time
    order by spreads.quoted_at desc
    limit 1
) as spread on true
{%- endmacro %}
