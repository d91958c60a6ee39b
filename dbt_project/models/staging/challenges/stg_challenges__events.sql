-- One row per challenge event, with the state it leaves behind (event_data.state) as columns.
with source as (
    select * from {{ source('challenges', 'challenge_events') }}
)

select
    challenge_id,
    sequence_number,
    event_type,
    occurred_at,
    recorded_at,
    caused_by,
    description,
    event_data,
    event_data ->> 'kind' as trade_kind,
    event_data ->> 'rule' as violation_rule,
    event_data ->> 'to_status' as to_status,
    event_data ->> 'failure_reason' as failure_reason,
    cast(event_data ->> 'quantity' as numeric) * cast(event_data ->> 'price' as numeric) as notional,
    cast(event_data ->> 'pnl' as numeric) as pnl,
    cast(event_data ->> 'fee' as numeric) as fee,
    cast(event_data -> 'state' ->> 'equity' as numeric) as equity,
    cast(event_data -> 'state' ->> 'balance' as numeric) as balance,
    cast(event_data -> 'state' ->> 'unrealized_pnl' as numeric) as unrealized_pnl,
    cast(event_data -> 'state' ->> 'max_equity' as numeric) as max_equity,
    cast(event_data -> 'state' ->> 'daily_start_equity' as numeric) as daily_start_equity,
    cast(event_data -> 'state' ->> 'profit_pct' as numeric) as profit_pct,
    cast(event_data -> 'state' ->> 'daily_drawdown_pct' as numeric) as daily_drawdown_pct,
    cast(event_data -> 'state' ->> 'total_drawdown_pct' as numeric) as total_drawdown_pct,
    jsonb_array_length(event_data -> 'state' -> 'trading_days') as trading_days,
    cast(event_data -> 'state' ->> 'fills' as integer) as fills,
    cast(event_data -> 'state' ->> 'volume' as numeric) as volume,
    loaded_at
from source
