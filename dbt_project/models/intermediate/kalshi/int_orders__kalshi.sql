-- Kalshi input of core.orders: the latest observed state of each own order, with when it became
-- terminal (macros/order_states.sql) and its average fill price from its own fills.
with {{ order_states(ref('stg_kalshi__order_observations')) }},

-- fills of the order, priced in the order's own outcome (a fill recorded on the other outcome
-- of the single book is the complement: buy NO at 0.38 = sell YES at 0.62)
fills as (
    select
        account,
        order_id,
        outcome,
        price,
        quantity
    from {{ ref('stg_kalshi__fills') }}
    where order_id is not null
),

fill_prices as (
    select
        latest.account,
        latest.order_id,
        round(
            sum(case when fills.outcome = latest.outcome then fills.price else 1 - fills.price end * fills.quantity)
            / nullif(sum(fills.quantity), 0),
            8
        ) as avg_fill_price
    from latest
    inner join fills on latest.account = fills.account and latest.order_id = fills.order_id
    group by latest.account, latest.order_id
)

select
    'kalshi' as venue,
    latest.account,
    latest.order_id,
    latest.client_order_id,
    latest.ticker as market_id,
    latest.ticker as instrument,
    latest.outcome,
    latest.side,
    latest.order_type,
    latest.price,
    latest.quantity,
    latest.filled_quantity,
    latest.remaining_quantity,
    fill_prices.avg_fill_price,
    latest.status,
    latest.status_raw,
    latest.fees,
    'USD' as fee_currency,
    latest.created_at,
    coalesce(latest.venue_updated_at, latest.observed_at) as updated_at,
    terminal.terminal_at,
    false as is_derived_from_fills,
    latest.observed_at
from latest
left join terminal on latest.account = terminal.account and latest.order_id = terminal.order_id
left join fill_prices on latest.account = fill_prices.account and latest.order_id = fill_prices.order_id
