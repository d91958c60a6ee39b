select
    'polymarket' as venue,
    condition_id as market_id,
    outcome,
    token_id,
    ts,
    price,
    loaded_at
from {{ ref('stg_polymarket__price_points') }}
