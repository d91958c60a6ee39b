-- Hyperliquid input of core.candles: every version of every hourly candle.
select
    'hyperliquid' as venue,
    coin as instrument,
    interval,
    open_time,
    open,
    high,
    low,
    close,
    volume,
    -- The venue reports no quote volume: base volume at the hour's typical price
    -- (high + low + close) / 3, USDC counted at 1 USD.
    round(volume * (high + low + close) / 3, 8) as volume_usd,
    is_closed,
    observed_at,
    loaded_at
from {{ ref('stg_hyperliquid__candles') }}
