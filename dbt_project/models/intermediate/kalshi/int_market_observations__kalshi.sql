-- Kalshi input of int_market_observations: each market observation as its two outcomes.
-- YES carries the venue's numbers; NO is the same binary contract seen from the other side
-- (its price and settlement value are 1 minus YES's, its book is the venue's no_bid/no_ask).
with observations as (
    select * from {{ ref('stg_kalshi__market_observations') }}
),

outcomes as (
    select
        observations.*,
        sides.outcome
    from observations
    cross join (values ('yes'), ('no')) as sides (outcome)
)

select
    'kalshi' as venue,
    ticker as market_id,
    event_ticker as event_id,
    outcome,
    cast(null as text) as token_id,
    title,
    status,
    status_raw,
    case when outcome = 'yes' then last_price else 1 - last_price end as price,
    case when outcome = 'yes' then yes_bid else no_bid end as bid,
    case when outcome = 'yes' then yes_ask else no_ask end as ask,
    volume,
    open_interest,
    nullif(result, '') as result,
    case when outcome = 'yes' then settlement_value else 1 - settlement_value end
        as settlement_value,
    close_time,
    observed_at,
    loaded_at
from outcomes
