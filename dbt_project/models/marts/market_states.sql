{#-
    The market state of each instrument at the close of each hourly candle, by CONTRACT §6's
    rules in their exact order (the first that holds wins):
      MAINTENANCE  the instrument is not live (OKX instruments ledger; never where unknown)
      PANIC        close >= market_panic_drop_pct % below the previous close
      VOLATILE     ATR(14) >= market_volatile_atr_multiple × its 30-day median
      DEAD         24h volume < market_dead_volume_share × its 30-day median
      NORMAL       otherwise
    A rule whose inputs do not exist yet (no previous close, less than 14 candles, less than
    30 days of history) does not hold. Thresholds are dbt vars (see the model's docs).

    Incremental, per instrument: a run restates the candles from `restate_at`, the earliest of
    its last built candle (restated too) and the earliest candle that arrived since the
    watermark (`arrived_since` on the candles' loaded_at: late candles inside built history
    included), computing their features (macro market_state_features) from only the candles
    they read. The stored rows of the run the candle before restate_at belongs to are written
    again with their duration, since the restated candles may extend that run; the first
    restated candle's previous_state is the stored state before it. A full build and any
    sequence of incremental runs give the same table (tests/analytics/test_market_states_incremental.py).
-#}
-- depends_on: {{ ref('candles') }}
-- depends_on: {{ ref('stg_okx__instruments') }}
-- depends_on: {{ ref('int_ticker_spreads__okx') }}
-- depends_on: {{ ref('int_ticker_spreads__hyperliquid') }}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'instrument', 'candle_open_time'],
    indexes=[
        {'columns': ['venue', 'instrument', 'candle_open_time'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}

{% set panic_pct = var('market_panic_drop_pct', 5) %}
{% set volatile_multiple = var('market_volatile_atr_multiple', 2) %}
{% set dead_share = var('market_dead_volume_share', 0.2) %}

with
{%- if is_incremental() %}
    arrivals as (
        -- per instrument, the earliest closed candle that arrived since the watermark
        select
            venue,
            instrument,
            min(open_time) as arrived_from
        from {{ ref('candles') }}
        where interval = '1h' and is_closed and loaded_at >= {{ arrived_since() }}
        group by venue, instrument
    ),

    built as (
        select
            venue,
            instrument,
            max(candle_open_time) as last_built
        from {{ this }}
        group by venue, instrument
    ),

    restate as (
        select
            coalesce(arrivals.venue, built.venue) as venue,
            coalesce(arrivals.instrument, built.instrument) as instrument,
            -- least() skips NULLs; an instrument never built is stated from its first candle
            case
                when built.instrument is null then cast('-infinity' as timestamptz)
                else least(built.last_built, arrivals.arrived_from)
            end as restate_at
        from arrivals
        full outer join built
            on arrivals.venue = built.venue and arrivals.instrument = built.instrument
    ),

    run_start as (
        -- the stored row before restate_at and the last stored row before it in another
        -- state: the rows between them are the run the restated candles may continue
        select
            restate.venue,
            restate.instrument,
            restate.restate_at,
            run_end.candle_open_time as run_end,
            run_before.candle_open_time as run_before
        from restate
        left join lateral (
            select
                t.candle_open_time,
                t.state
            from {{ this }} as t
            where
                t.venue = restate.venue
                and t.instrument = restate.instrument
                and t.candle_open_time < restate.restate_at
            order by t.candle_open_time desc
            limit 1
        ) as run_end on true
        left join lateral (
            select t.candle_open_time
            from {{ this }} as t
            where
                t.venue = restate.venue
                and t.instrument = restate.instrument
                and t.candle_open_time < run_end.candle_open_time
                and t.state <> run_end.state
            order by t.candle_open_time desc
            limit 1
        ) as run_before on true
    ),

    carried as (
        -- stored rows of that run, written again with its new duration
        select
            t.venue,
            t.instrument,
            t.candle_open_time as open_time,
            t.state,
            t.previous_state,
            t.volatility_atr,
            t.spread_bps,
            t.volume_24h,
            t.liquidity_score,
            t.loaded_at
        from run_start
        inner join {{ this }} as t
            on
                run_start.venue = t.venue
                and run_start.instrument = t.instrument
                and coalesce(run_start.run_before, '-infinity') < t.candle_open_time
                and run_start.run_end >= t.candle_open_time
    ),
{%- endif %}

features as (
    {% if is_incremental() -%}
        {{ market_state_features('restate') | indent(4) }}
    {%- else -%}
        select * from {{ ref('int_market_state_features') }}
    {%- endif %}
),

classified as (
    select
        *,
        case
            when instrument_state is not null and instrument_state <> 'live'
                then 'MAINTENANCE'
            when close <= previous_close * (1 - {{ panic_pct }} / 100.0)
                then 'PANIC'
            when atr >= {{ volatile_multiple }} * median_atr then 'VOLATILE'
            when volume_24h < {{ dead_share }} * median_volume_24h then 'DEAD'
            else 'NORMAL'
        end as state
    from features
),

stated as (
    select
        venue,
        instrument,
        open_time,
        state,
        cast(null as text) as previous_state,
        round(atr, 8) as volatility_atr,
        spread_bps,
        volume_24h,
        -- least() skips NULLs: without a median the score is unknown, not 100
        case
            when median_volume_24h > 0 then round(least(100, 50 * volume_24h / median_volume_24h), 2)
        end as liquidity_score,
        loaded_at,
        false as is_carried
    from classified
    {%- if is_incremental() %}
        union all
        select
            *,
            true as is_carried
        from carried
    {%- endif %}
),

runs as (
    -- consecutive candles of one state form a run (gaps and islands)
    select
        *,
        -- a carried row keeps its stored previous state (the candle before it is not restated)
        case when is_carried then previous_state else lag(state) over by_time end as prior_state,
        row_number() over by_time
        - row_number() over (partition by venue, instrument, state order by open_time) as run_number
    from stated
    window by_time as (partition by venue, instrument order by open_time)
)

select
    venue,
    instrument,
    open_time + interval '1 hour' as detected_at,
    open_time as candle_open_time,
    state,
    prior_state as previous_state,
    volatility_atr,
    spread_bps,
    volume_24h,
    liquidity_score,
    cast(extract(epoch from (
        max(open_time) over same_run - min(open_time) over same_run + interval '1 hour'
    )) as bigint) as state_duration_seconds,
    loaded_at
from runs
window same_run as (partition by venue, instrument, state, run_number)
