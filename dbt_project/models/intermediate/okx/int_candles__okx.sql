-- OKX input of core.candles: every version of every hourly candle. volume is the base
-- currency: OKX `vol` counts contracts for derivatives (ETH-USDT-SWAP: 0.1 ETH each), so those
-- take `volCcy` (base currency for derivatives); SPOT/MARGIN take `vol` (base there, `volCcy`
-- being the quote). volume_usd is `volCcyQuote` when the quote currency is USD or a USD stable
-- coin counted at 1 (CONTRACT §4), else NULL.
select
    'okx' as venue,
    inst_id as instrument,
    '1h' as interval,
    open_time,
    open,
    high,
    low,
    close,
    volume,
    case
        when split_part(inst_id, '-', 2) in ('USDT', 'USDC', 'USD') then vol_ccy_quote
    end as volume_usd,
    is_closed,
    observed_at,
    loaded_at
from {{ ref('stg_okx__candles') }}
