-- The A/B view: one row per strategy version of ref.strategies with what its tagged fills did.
-- PnL per fill is marked to resolution so that it adds up per version: a fill with
-- venue-reported realised PnL keeps it; otherwise a buy in a resolved market earns
-- quantity x (settlement value - price) and a sell quantity x (price - settlement value); a
-- fill in a market not resolved yet counts 0 and is counted in open_fills.
with strategies as (
    select * from {{ ref('stg_ref__strategies') }}
),

attributed as (
    select * from {{ ref('trade_attribution') }}
    where is_tagged
),

venue_pnl as (
    select venue, account, fill_id, venue_realized_pnl
    from {{ ref('int_fill_pnl') }}
),

resolutions as (
    select * from {{ ref('int_market_resolutions') }}
),

marked as (
    select
        attributed.strategy_name,
        attributed.strategy_version,
        attributed.notional,
        coalesce(attributed.fee, 0) as fee,
        attributed.edge_at_execution,
        attributed.executed_at,
        venue_pnl.venue_realized_pnl is not null or resolutions.settlement_value is not null as is_realized,
        case
            when venue_pnl.venue_realized_pnl is not null then venue_pnl.venue_realized_pnl
            when resolutions.settlement_value is null then 0
            when attributed.side = 'buy'
                then attributed.quantity * (resolutions.settlement_value - attributed.price)
            else attributed.quantity * (attributed.price - resolutions.settlement_value)
        end as realized_pnl
    from attributed
    left join venue_pnl
        on
            attributed.venue = venue_pnl.venue
            and attributed.account = venue_pnl.account
            and attributed.fill_id = venue_pnl.fill_id
    left join resolutions
        on
            attributed.venue = resolutions.venue
            and attributed.market_id = resolutions.market_id
            and attributed.outcome = resolutions.outcome
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
    per_version.avg_edge_at_execution,
    per_version.first_fill_at,
    per_version.last_fill_at
from strategies
left join per_version
    on
        strategies.strategy_name = per_version.strategy_name
        and strategies.strategy_version = per_version.strategy_version
