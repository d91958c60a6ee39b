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
-#}
{% set panic_pct = var('market_panic_drop_pct', 5) %}
{% set volatile_multiple = var('market_volatile_atr_multiple', 2) %}
{% set dead_share = var('market_dead_volume_share', 0.2) %}

with features as (
    select * from {{ ref('int_market_state_features') }}
),

classified as (
    select
        *,
        case
            when instrument_state is not null and instrument_state <> 'live' then 'MAINTENANCE'
            when close <= previous_close * (1 - {{ panic_pct }} / 100.0) then 'PANIC'
            when atr >= {{ volatile_multiple }} * median_atr then 'VOLATILE'
            when volume_24h < {{ dead_share }} * median_volume_24h then 'DEAD'
            else 'NORMAL'
        end as state
    from features
),

runs as (
    -- consecutive candles of one state form a run (gaps and islands)
    select
        *,
        lag(state) over by_time as previous_state,
        row_number() over by_time
        - row_number() over (partition by venue, instrument, state order by open_time) as run_number
    from classified
    window by_time as (partition by venue, instrument order by open_time)
)

select
    venue,
    instrument,
    open_time + interval '1 hour' as detected_at,
    open_time as candle_open_time,
    state,
    previous_state,
    round(atr, 8) as volatility_atr,
    spread_bps,
    volume_24h,
    -- least() skips NULLs: without a median the score is unknown, not 100
    case
        when median_volume_24h > 0 then round(least(100, 50 * volume_24h / median_volume_24h), 2)
    end as liquidity_score,
    cast(extract(epoch from (
        max(open_time) over same_run - min(open_time) over same_run + interval '1 hour'
    )) as bigint) as state_duration_seconds
from runs
window same_run as (partition by venue, instrument, state, run_number)
