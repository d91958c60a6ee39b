-- The A/B view: one row per strategy version of ref.strategies with what its tagged fills did.
-- PnL per fill is marked to resolution (int_attributed_fill_pnl) so that it adds up per
-- version; a fill in a market not resolved yet counts 0 and is counted in open_fills.
with strategies as (
    select * from {{ ref('stg_ref__strategies') }}
),

marked as (
    select * from {{ ref('int_attributed_fill_pnl') }}
),

per_version as (
    select
        strategy_name,
        strategy_version,
        count(*) as fills,
        count(*) filter (where not is_realized) as open_fills,
        sum(coalesce(notional, 0)) as volume,
        sum(fee) as fees,
        sum(realized_pnl) as realized_pnl,
        avg(edge_at_execution) as avg_edge_at_execution,
        min(executed_at) as first_fill_at,
        max(executed_at) as last_fill_at
    from marked
    group by strategy_name, strategy_version
)

select
    strategies.strategy_name,
    strategies.strategy_version,
    strategies.strategy_type,
    strategies.strategy_status,
    strategies.strategy_config,
    coalesce(per_version.fills, 0) as fills,
    coalesce(per_version.open_fills, 0) as open_fills,
    coalesce(per_version.volume, 0) as volume,
    coalesce(per_version.fees, 0) as fees,
    coalesce(per_version.realized_pnl, 0) as realized_pnl,
    coalesce(per_version.realized_pnl, 0) - coalesce(per_version.fees, 0) as net_pnl,
    round(100 * (per_version.realized_pnl - per_version.fees) / nullif(per_version.volume, 0), 4) as roi,
    per_version.avg_edge_at_execution,
    per_version.first_fill_at,
    per_version.last_fill_at
from strategies
left join per_version
    on
        strategies.strategy_name = per_version.strategy_name
        and strategies.strategy_version = per_version.strategy_version
