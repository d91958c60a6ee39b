-- One row per 4h report window x venue with own fills, settlements or position resolutions in
-- it: the group-by of int_pnl_events that marts.daily_performance makes per UTC day, made per
-- 4h window (same rules, same replacement of a resolution by a later settlement). Summed over
-- the six windows of a day they equal that day's daily_performance.
with by_window as (
    select
        {{ report_window_start('recognized_at') }} as period_start,
        venue,
        count(*) filter (where event_kind = 'fill') as fills,
        coalesce(sum(volume), 0) as volume,
        coalesce(sum(fee), 0) as fees,
        coalesce(sum(pnl) filter (where event_kind = 'fill'), 0) as fill_pnl,
        count(*) filter (where event_kind = 'settlement') as settlements,
        coalesce(sum(pnl) filter (where event_kind = 'settlement'), 0) as settlement_pnl,
        count(*) filter (where event_kind = 'resolution') as resolved_positions,
        coalesce(sum(pnl) filter (where event_kind = 'resolution'), 0) as resolution_pnl
    from {{ ref('int_pnl_events') }}
    where not is_replaced
    group by 1, 2
)

select
    period_start,
    venue,
    fills,
    volume,
    fees,
    fill_pnl,
    settlements,
    settlement_pnl,
    resolved_positions,
    resolution_pnl,
    fill_pnl + settlement_pnl + resolution_pnl as realized_pnl,
    fill_pnl + settlement_pnl + resolution_pnl - fees as net_pnl
from by_window
