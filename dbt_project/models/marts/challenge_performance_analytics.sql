-- One row per prop-firm challenge with events: how it traded and how close it came to its
-- limits, from ledger.challenge_events (TRADE_EXECUTED fills and every event's state).
with events as (
    select * from {{ ref('stg_challenges__events') }}
),

challenges as (
    select * from {{ ref('challenges') }}
),

fills as (
    select
        challenge_id,
        count(*) as fills,
        count(*) filter (where pnl > 0) as winning_trades,
        count(*) filter (where pnl < 0) as losing_trades,
        sum(notional) as total_volume,
        avg(notional) as avg_trade_size,
        sum(fee) as total_fees
    from events
    where event_type = 'TRADE_EXECUTED' and trade_kind = 'fill'
    group by challenge_id
),

peaks as (
    select
        challenge_id,
        max(daily_drawdown_pct) as max_daily_drawdown_pct_reached,
        max(total_drawdown_pct) as max_total_drawdown_pct_reached
    from events
    where equity is not null
    group by challenge_id
)

select
    challenges.challenge_id,
    challenges.venue,
    challenges.account,
    challenges.status,
    challenges.profit_pct,
    challenges.current_equity - challenges.initial_balance as net_pnl,
    challenges.total_drawdown_pct,
    peaks.max_total_drawdown_pct_reached,
    peaks.max_daily_drawdown_pct_reached,
    100 * peaks.max_daily_drawdown_pct_reached / challenges.max_daily_drawdown_pct
        as daily_drawdown_used_pct,
    100 * peaks.max_total_drawdown_pct_reached / challenges.max_total_drawdown_pct
        as total_drawdown_used_pct,
    challenges.trading_days,
    coalesce(fills.fills, 0) as fills,
    coalesce(fills.winning_trades, 0) as winning_trades,
    coalesce(fills.losing_trades, 0) as losing_trades,
    cast(fills.winning_trades as numeric) / nullif(fills.winning_trades + fills.losing_trades, 0)
        as win_rate,
    fills.avg_trade_size,
    coalesce(fills.total_volume, 0) as total_volume,
    coalesce(fills.total_fees, 0) as total_fees
from challenges
inner join peaks on challenges.challenge_id = peaks.challenge_id
left join fills on challenges.challenge_id = fills.challenge_id
