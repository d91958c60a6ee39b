-- One row per own fill tagged with the versions that placed it (marts.trade_attribution,
-- is_tagged), with its PnL marked to resolution so that it adds up per strategy or model
-- version: a fill with venue-reported realised PnL keeps it; otherwise a buy in a resolved
-- market earns quantity x (settlement value - price) and a sale quantity x (price - settlement
-- value); a fill in a market not resolved yet counts 0 (is_realized false). The one place this
-- rule lives: marts.strategy_version_comparison and marts.model_performance group it.
with attributed as (
    select * from {{ ref('trade_attribution') }}
    where is_tagged
),

venue_pnl as (
    select venue, account, fill_id, venue_realized_pnl
    from {{ ref('int_fill_pnl') }}
),

resolutions as (
    select * from {{ ref('int_market_resolutions') }}
)

select
    attributed.venue,
    attributed.account,
    attributed.fill_id,
    attributed.strategy_name,
    attributed.strategy_version,
    attributed.model_name,
    attributed.model_version,
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
