{#-
    One row per PnL event of an own account: a fill (int_fill_pnl), a venue settlement
    (core.settlements) or a position that resolved (int_position_resolutions). The one place
    the PnL rules live: marts.daily_performance and int_report_window_pnl are group-bys of it.

    Replacement rule: a resolution is an estimate made when the market resolved; a venue
    settlement of the same (venue, account, market) that exists, even one that arrived later,
    replaces it (`is_replaced`, counted nowhere). `arrived_at` is when the event's inputs last
    arrived (for a replaced resolution: when its settlement did), so incremental models find
    the periods a late arrival changed.
-#}
with settlements as (
    select
        venue,
        account,
        market_id,
        revenue,
        yes_cost,
        no_cost,
        fee,
        settled_at,
        loaded_at
    from {{ ref('settlements') }}
),

settled_markets as (
    select
        venue,
        account,
        market_id,
        max(loaded_at) as settlement_loaded_at
    from settlements
    group by venue, account, market_id
)

select
    'fill' as event_kind,
    fill_id as event_id,
    venue,
    account,
    market_id,
    executed_at as recognized_at,
    coalesce(notional, 0) as volume,
    fee,
    trading_pnl as pnl,
    false as is_replaced,
    loaded_at as arrived_at
from {{ ref('int_fill_pnl') }}

union all

select
    'settlement' as event_kind,
    market_id as event_id,
    venue,
    account,
    market_id,
    settled_at as recognized_at,
    0 as volume,
    0 as fee,
    -- the settlement fee is part of its PnL (so it is not in `fee`, which the marts sum as fees)
    coalesce(revenue, 0) - coalesce(yes_cost, 0) - coalesce(no_cost, 0) - coalesce(fee, 0) as pnl,
    false as is_replaced,
    loaded_at as arrived_at
from settlements

union all

select
    'resolution' as event_kind,
    resolved.market_id || ':' || resolved.outcome as event_id,
    resolved.venue,
    resolved.account,
    resolved.market_id,
    resolved.recognized_at,
    0 as volume,
    0 as fee,
    resolved.resolution_pnl as pnl,
    settled.market_id is not null as is_replaced,
    greatest(resolved.fills_loaded_at, settled.settlement_loaded_at) as arrived_at
from {{ ref('int_position_resolutions') }} as resolved
left join settled_markets as settled
    on
        resolved.venue = settled.venue
        and resolved.account = settled.account
        and resolved.market_id = settled.market_id
