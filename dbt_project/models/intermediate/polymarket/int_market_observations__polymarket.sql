select
    'polymarket' as venue,
    condition_id as market_id,
    event_slug as event_id,
    outcome,
    token_id,
    title,
    status,
    status_raw,
    price,
    bid,
    ask,
    volume,
    cast(null as numeric) as open_interest,
    result,
    settlement_value,
    close_time,
    observed_at
from {{ ref('stg_polymarket__market_observations') }}
