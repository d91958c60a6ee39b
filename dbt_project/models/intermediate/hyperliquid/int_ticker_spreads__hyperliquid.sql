-- Spread of each Hyperliquid asset-context observation, the counterpart of int_ticker_spreads__okx.
-- metaAndAssetCtxs has no best bid and ask: its impactPxs are the average prices of a market
-- sell and a market buy of the venue's impact notional, so this is the spread a trade of that
-- size pays, never narrower than the top of the book. quoted_at is our observation time (the
-- answer has no timestamp). Without both impact prices (no book on a side) there is no spread.
with contexts as (
    select * from {{ ref('stg_hyperliquid__asset_contexts') }}
)

select
    'hyperliquid' as venue,
    coin as instrument,
    observed_at as quoted_at,
    impact_bid_price as bid_price,
    impact_ask_price as ask_price,
    (impact_bid_price + impact_ask_price) / 2 as mid_price,
    round(
        (impact_ask_price - impact_bid_price)
        / ((impact_bid_price + impact_ask_price) / 2) * 10000, 4
    ) as spread_bps,
    mark_price,
    mid_price as book_mid_price,
    observed_at
from contexts
where impact_bid_price > 0 and impact_ask_price > 0
