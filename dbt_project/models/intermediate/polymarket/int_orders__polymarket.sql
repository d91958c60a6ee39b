-- Polymarket input of core.orders. The operator's own orders are not public (the CLOB lists
-- only open orders, with L2 keys), so each own fill group is read as one filled order: the
-- fills of one account in one transaction on one outcome token and side (an order matched at
-- several price levels settles in one transaction). Derived, not observed: no canceled or
-- resting orders, no limit price.
with fills as (
    select
        *,
        coalesce(tx_hash, fill_id) || ':' || instrument || ':' || side as derived_order_id
    from (
        select
            fills.*,
            stg.tx_hash
        from {{ ref('int_fills__polymarket') }} as fills
        left join {{ ref('stg_polymarket__fills') }} as stg
            on fills.account = stg.account and fills.fill_id = stg.fill_id
    ) as joined
)

select
    'polymarket' as venue,
    account,
    derived_order_id as order_id,
    cast(null as text) as client_order_id,
    min(market_id) as market_id,
    instrument,
    min(outcome) as outcome,
    side,
    cast(null as text) as order_type,
    cast(null as numeric) as price,
    sum(quantity) as quantity,
    sum(quantity) as filled_quantity,
    cast(0 as numeric) as remaining_quantity,
    round(sum(price * quantity) / nullif(sum(quantity), 0), 8) as avg_fill_price,
    'filled' as status,
    cast(null as text) as status_raw,
    cast(null as numeric) as fees,
    cast(null as text) as fee_currency,
    min(executed_at) as created_at,
    max(executed_at) as updated_at,
    max(executed_at) as terminal_at,
    true as is_derived_from_fills,
    max(loaded_at) as observed_at
from fills
group by account, derived_order_id, instrument, side
