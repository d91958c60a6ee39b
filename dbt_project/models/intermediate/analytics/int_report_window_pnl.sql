-- One row per 4h report window x venue with own fills, settlements or position resolutions in
-- it. Same PnL rules as marts.daily_performance, by 4h window instead of UTC day: fill PnL of
-- int_fill_pnl (venue-reported, else average cost on sales), settlement PnL (revenue - cost -
-- fee), resolution PnL of positions that resolved without a settlement record; net = all three
-- - fees. Summed over the windows of a day they equal that day's daily_performance.
with fills as (
    select
        {{ report_window_start('executed_at') }} as period_start,
        venue,
        count(*) as fills,
        sum(coalesce(notional, 0)) as volume,
        sum(fee) as fees,
        sum(trading_pnl) as fill_pnl
    from {{ ref('int_fill_pnl') }}
    group by 1, 2
),

settlements as (
    select
        {{ report_window_start('settled_at') }} as period_start,
        venue,
        count(*) as settlements,
        sum(
            coalesce(revenue, 0) - coalesce(yes_cost, 0) - coalesce(no_cost, 0) - coalesce(fee, 0)
        ) as settlement_pnl
    from {{ ref('settlements') }}
    group by 1, 2
),

resolutions as (
    select
        {{ report_window_start('recognized_at') }} as period_start,
        venue,
        count(*) as resolved_positions,
        sum(resolution_pnl) as resolution_pnl
    from {{ ref('int_position_resolutions') }}
    group by 1, 2
),

keys as (
    select period_start, venue from fills
    union
    select period_start, venue from settlements
    union
    select period_start, venue from resolutions
)

select
    keys.period_start,
    keys.venue,
    coalesce(fills.fills, 0) as fills,
    coalesce(fills.volume, 0) as volume,
    coalesce(fills.fees, 0) as fees,
    coalesce(fills.fill_pnl, 0) as fill_pnl,
    coalesce(settlements.settlements, 0) as settlements,
    coalesce(settlements.settlement_pnl, 0) as settlement_pnl,
    coalesce(resolutions.resolved_positions, 0) as resolved_positions,
    coalesce(resolutions.resolution_pnl, 0) as resolution_pnl,
    coalesce(fills.fill_pnl, 0) + coalesce(settlements.settlement_pnl, 0)
    + coalesce(resolutions.resolution_pnl, 0) as realized_pnl,
    coalesce(fills.fill_pnl, 0) + coalesce(settlements.settlement_pnl, 0)
    + coalesce(resolutions.resolution_pnl, 0) - coalesce(fills.fees, 0) as net_pnl
from keys
left join fills on keys.period_start = fills.period_start and keys.venue = fills.venue
left join settlements on keys.period_start = settlements.period_start and keys.venue = settlements.venue
left join resolutions on keys.period_start = resolutions.period_start and keys.venue = resolutions.venue
