-- Hyperliquid input of core.orders: the latest observed state of each own order, with when it
-- became terminal (macros/order_states.sql). market_id is the raw coin, instrument the readable
-- symbol of the order's fills (HYPE/USDC for `@107`), else the coin. Sizes are already in the
-- coin (base units); avg_fill_price and fees come from the order's own fills (fees in the fills'
-- fee token, positive = paid).
with {{ order_states(ref('stg_hyperliquid__order_observations')) }},

fills as (
    select
        account,
        order_id,
        round(sum(price * quantity) / nullif(sum(quantity), 0), 8) as avg_fill_price,
        sum(fee) as fees,
        min(fee_token) as fee_currency,
        max(symbol) as symbol
    from {{ ref('stg_hyperliquid__fills') }}
    where order_id is not null
    group by account, order_id
)

select
    'hyperliquid' as venue,
    latest.account,
    latest.order_id,
    latest.client_order_id,
    latest.coin as market_id,
    coalesce(fills.symbol, latest.coin) as instrument,
    cast(null as text) as outcome,
    latest.side,
    latest.order_type,
    latest.price,
    latest.quantity,
    latest.filled_quantity,
    latest.remaining_quantity,
    fills.avg_fill_price,
    latest.status,
    latest.status_raw,
    fills.fees,
    fills.fee_currency,
    latest.created_at,
    coalesce(latest.venue_updated_at, latest.observed_at) as updated_at,
    terminal.terminal_at,
    false as is_derived_from_fills,
    latest.observed_at
from latest
left join terminal on latest.account = terminal.account and latest.order_id = terminal.order_id
left join fills on latest.account = fills.account and latest.order_id = fills.order_id
