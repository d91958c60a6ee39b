with source as (
    select * from {{ source('ref', 'challenges') }}
)

select
    challenge_id,
    venue,
    account,
    initial_balance,
    profit_target_pct,
    max_daily_drawdown_pct,
    max_total_drawdown_pct,
    min_trading_days,
    max_days,
    started_at,
    started_at + make_interval(days => max_days) as deadline_at,
    created_at
from source
