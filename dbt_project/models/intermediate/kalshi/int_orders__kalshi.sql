-- Kalshi input of core.orders: the latest observed state of each own order, with when it became
-- terminal and its average fill price from its own fills.
with observations as (
    select
        *,
        row_number() over (partition by account, order_id order by observed_at desc) as recency,
        lag(status) over (partition by account, order_id order by observed_at) as status_before,
        lag(venue_updated_at) over (partition by account, order_id order by observed_at)
            as venue_updated_before
    from {{ ref('stg_kalshi__order_observations') }}
),

-- the observation in which the order was first seen terminal: its venue time when Kalshi moved
-- it (or the order was first seen already terminal), else our observation time (a cancel that
-- left last_update_time as it was happened at the latest then)
terminal_states as (
    select
        account,
        order_id,
        case
            when
                status_before is not null
                and coalesce(
                    venue_updated_at = venue_updated_before,
                    venue_updated_at is null and venue_updated_before is null
                )
                then observed_at
            else coalesce(venue_updated_at, observed_at)
        end as terminal_at,
        row_number() over (partition by account, order_id order by observed_at) as nth
    from observations
    where
        status in ('filled', 'canceled', 'rejected', 'expired')
        and (status_before is null or status_before not in ('filled', 'canceled', 'rejected', 'expired'))
),

terminal as (
    select
        account,
        order_id,
        terminal_at
    from terminal_states
    where nth = 1
),

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

latest as (
    select * from observations
    where recency = 1
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
