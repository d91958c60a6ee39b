{#-
    The latest version of every hourly candle. Incremental on arrival like core.fills: a run
    reads the candle versions loaded since the watermark (`arrived_since`) and replaces those
    candles by their newest version, so the still-open hour is restated when it closes.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'instrument', 'interval', 'open_time'],
    indexes=[
        {'columns': ['venue', 'instrument', 'interval', 'open_time'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}

with versions as (
    -- Sources add their intermediate model (int_candles__<source>) to this list.
    {{ union_inputs(['int_candles__hyperliquid', 'int_candles__okx'], incremental=true) }}
)

select distinct on (venue, instrument, interval, open_time)
    venue,
    instrument,
    interval,
    open_time,
    open,
    high,
    low,
    close,
    volume,
    volume_usd,
    is_closed,
    observed_at,
    loaded_at
from versions
order by venue asc, instrument asc, interval asc, open_time asc, observed_at desc
