select
    'polymarket' as venue,
    condition_id as market_id,
    outcome,
    token_id,
    ts,
    price
from {{ ref('stg_polymarket__price_points') }}
