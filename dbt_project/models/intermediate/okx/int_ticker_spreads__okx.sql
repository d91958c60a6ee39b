-- Bid-ask spread of each OKX ticker observation. quoted_at is the venue's `ts` (when the quote
-- was generated), else our observation time. Without a positive bid and ask there is no spread;
-- a crossed book (ask < bid, OKX: possible before the open) gives a negative spread, kept as is.
with tickers as (
    select * from {{ ref('stg_okx__tickers') }}
)

select
    'okx' as venue,
    inst_id as instrument,
    coalesce(venue_updated_at, observed_at) as quoted_at,
    bid_price,
    ask_price,
    (bid_price + ask_price) / 2 as mid_price,
    round((ask_price - bid_price) / ((bid_price + ask_price) / 2) * 10000, 4) as spread_bps,
    observed_at
from tickers
where bid_price > 0 and ask_price > 0
