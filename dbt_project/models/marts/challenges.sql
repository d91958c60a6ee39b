-- One row per prop-firm challenge of ref.challenges, rebuilt from ledger.challenge_events alone
-- (never from the fills): every event carries the state it leaves behind, so the last event is
-- the challenge's state; the last status change its status. The rules come from ref.challenges
-- (a challenge without events yet is PENDING). CONTRACT §6 and §8.
with rules as (
    select * from {{ ref('stg_ref__challenges') }}
),

events as (
    select * from {{ ref('stg_challenges__events') }}
),

last_event as (
    select distinct on (challenge_id) *
    from events
    order by challenge_id, sequence_number desc
),

last_status as (
    select distinct on (challenge_id)
        challenge_id,
        to_status
    from events
    where event_type = 'CHALLENGE_STATUS_CHANGED'
    order by challenge_id, sequence_number desc
),

terminal as (
    select
        challenge_id,
        occurred_at as ended_at,
        failure_reason
    from events
    where event_type in ('CHALLENGE_FAILED', 'CHALLENGE_FUNDED')
),

started as (
    select
        challenge_id,
        occurred_at as started_at
    from events
    where event_type = 'CHALLENGE_STARTED'
),

late as (
    select
        challenge_id,
        count(*) as late_corrections
    from events
    where event_type = 'RISK_VIOLATION_DETECTED' and violation_rule = 'late_data'
    group by challenge_id
)

select
    rules.challenge_id,
    rules.venue,
    rules.account,
    coalesce(last_status.to_status, 'PENDING') as status,
    terminal.failure_reason,
    rules.initial_balance,
    last_event.equity as current_equity,
    last_event.max_equity as max_equity_ever,
    last_event.daily_start_equity,
    last_event.balance,
    last_event.unrealized_pnl,
    last_event.profit_pct,
    last_event.daily_drawdown_pct,
    last_event.total_drawdown_pct,
    coalesce(last_event.trading_days, 0) as trading_days,
    coalesce(last_event.fills, 0) as fills,
    rules.profit_target_pct,
    rules.max_daily_drawdown_pct,
    rules.max_total_drawdown_pct,
    rules.min_trading_days,
    rules.max_days,
    coalesce(started.started_at, rules.started_at) as started_at,
    rules.deadline_at,
    terminal.ended_at,
    coalesce(late.late_corrections, 0) as late_corrections,
    coalesce(last_event.sequence_number, 0) as last_sequence_number,
    last_event.event_type as last_event_type,
    last_event.occurred_at as last_event_at,
    last_event.description as last_event_description
from rules
left join last_event on rules.challenge_id = last_event.challenge_id
left join last_status on rules.challenge_id = last_status.challenge_id
left join terminal on rules.challenge_id = terminal.challenge_id
left join started on rules.challenge_id = started.challenge_id
left join late on rules.challenge_id = late.challenge_id
