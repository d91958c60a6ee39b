-- One row per trade of a tracked wallet (int_wallet_trade_features) with whether it is
-- resolved and won, judged against what core.markets shows now (hindsight: a view, so a
-- market that settles later changes the verdict at once).
-- Resolved + win: a prediction-market trade whose outcome core.markets shows settled wins when
-- it bought below the settlement value (a buy of the winning outcome) or sold above it (a sale
-- of the losing one); a trade with venue-reported non-zero realised PnL (a perp close) is
-- resolved and wins when that PnL is positive.
with trades as (
    select * from {{ ref('int_wallet_trade_features') }}
),

resolutions as (
    select * from {{ ref('int_market_resolutions') }}
)

select
    trades.wallet,
    trades.source,
    trades.event_id,
    trades.market_id,
    trades.outcome,
    trades.side,
    trades.price,
    trades.quantity,
    trades.amount_usd,
    trades.occurred_at,
    resolutions.settlement_value,
    resolutions.settlement_value is not null
    or coalesce(trades.realized_pnl, 0) <> 0 as is_resolved,
    case
        when resolutions.settlement_value is not null
            then
                (trades.side = 'buy' and resolutions.settlement_value > trades.price)
                or (trades.side = 'sell' and resolutions.settlement_value < trades.price)
        when coalesce(trades.realized_pnl, 0) <> 0 then trades.realized_pnl > 0
    end as is_win,
    trades.close_time,
    trades.is_near_close,
    trades.price_24h_before,
    trades.is_with_momentum
from trades
left join resolutions
    on
        trades.source = resolutions.venue
        and trades.market_id = resolutions.market_id
        and trades.outcome = resolutions.outcome
