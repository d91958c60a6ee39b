-- The latest observation of each position; closed positions (quantity 0) drop out.
-- Perpetuals carry the venue's mark and unrealized PnL; a prediction-market position is marked
-- at its outcome's current price in core.markets (unrealized = quantity x price - cost).
with latest as (
    select distinct on (venue, account, market_id, outcome)
        venue,
        account,
        market_id,
        outcome,
        quantity,
        cost,
        realized_pnl,
        fees_paid,
        observed_at,
        position_side,
        entry_price,
        mark_price,
        unrealized_pnl,
        leverage,
        liquidation_price,
        margin,
        funding_paid
    from {{ ref("int_position_observations") }}
    order by venue, account, market_id, outcome, observed_at desc
)

select
    p.venue,
    p.account,
    p.market_id,
    p.outcome,
    p.quantity,
    p.cost,
    p.realized_pnl,
    p.fees_paid,
    p.observed_at,
    p.position_side,
    coalesce(p.entry_price, p.cost / nullif(p.quantity, 0)) as entry_price,
    coalesce(p.mark_price, m.price) as mark_price,
    coalesce(p.unrealized_pnl, p.quantity * m.price - p.cost) as unrealized_pnl,
    p.leverage,
    p.liquidation_price,
    p.margin,
    p.funding_paid
from latest as p
left join {{ ref("markets") }} as m
    on
        p.venue = m.venue
        and p.market_id = m.market_id
        and p.outcome = m.outcome
        and p.position_side is null
where p.quantity <> 0
