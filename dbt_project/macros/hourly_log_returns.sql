{#-
    The closed hourly candles of core.candles with their log return from the previous close,
    NULL where the previous candle is not exactly one hour earlier (a gap in the candles is not
    one hour's move) and for an instrument's first candle. One definition for every model that
    correlates or measures hourly moves (marts.global_market_states, marts.position_correlations).
-#}
{% macro hourly_log_returns() -%}
    select
        venue,
        instrument,
        open_time,
        close,
        case
            when lag(open_time) over by_time = open_time - interval '1 hour'
                then ln(close / lag(close) over by_time)
        end as log_return
    from {{ ref('candles') }}
    where interval = '1h' and is_closed and close > 0
    window by_time as (partition by venue, instrument order by open_time)
{%- endmacro %}
