{#-
    One row per trading session of an own account: venue × account × session, where a fill
    more than `session_gap_minutes` (default 60) after the account's previous fill on the venue
    starts a new session. PnL per fill is int_fill_pnl's realised trading PnL (venue-reported,
    else average cost for prediction-market sales) minus its fee.
-#}
{% set gap_minutes = var('session_gap_minutes', 60) %}
with fills as (
    select
        venue,
        account,
        fill_id,
        executed_at,
        trading_pnl,
        trading_pnl_method,
        fee,
        case
            when
                lag(executed_at) over account_fills is null
                or executed_at - lag(executed_at) over account_fills > interval '{{ gap_minutes }} minutes'
                then 1
            else 0
        end as starts_session
    from {{ ref('int_fill_pnl') }}
    window account_fills as (partition by venue, account order by executed_at, fill_id)
),

numbered as (
    select
        *,
        sum(starts_session) over (
            partition by venue, account order by executed_at, fill_id
            rows between unbounded preceding and current row
        ) as session_number
    from fills
),

running as (
    select
        *,
        sum(trading_pnl - fee) over session_fills as running_pnl
    from numbered
    window session_fills as (
        partition by venue, account, session_number order by executed_at, fill_id
        rows between unbounded preceding and current row
    )
),

-- drawdown from the session's running peak; the session starts at 0, so a first losing fill
-- is already a drawdown
drawdowns as (
    select
        *,
        greatest(
            0,
            max(running_pnl) over (
                partition by venue, account, session_number order by executed_at, fill_id
                rows between unbounded preceding and current row
            )
        ) - running_pnl as drawdown
    from running
),

sessions as (
    select
        venue,
        account,
        venue || ':' || account || ':'
        || to_char(min(executed_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as session_id,
        min(executed_at) as started_at,
        max(executed_at) as ended_at,
        count(*) as total_trades,
        count(*) filter (where trading_pnl_method != 'none' and trading_pnl > 0) as winning_trades,
        count(*) filter (where trading_pnl_method != 'none' and trading_pnl < 0) as losing_trades,
        sum(trading_pnl) as realized_pnl,
        sum(fee) as fees,
        sum(trading_pnl - fee) as net_pnl,
        max(drawdown) as max_drawdown
    from drawdowns
    group by venue, account, session_number
)

select
    sessions.*,
    -- the tilt level changes inside the session (from its first to its last fill)
    cast((
        select count(*)
        from {{ ref('tilt_events') }} as events
        where
            events.venue = sessions.venue
            and events.account = sessions.account
            and events.occurred_at between sessions.started_at and sessions.ended_at
    ) as integer) as tilt_events_count
from sessions
