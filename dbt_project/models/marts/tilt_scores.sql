{#-
    One row per venue × account × UTC hour in which the account filled or placed an order: a
    0–100 tilt score from six indicators, each scored 0–1 and weighted (dbt vars, reasoning in
    the model docs), and the level it falls in. The baselines are the account's own trailing
    `tilt_baseline_days` (7) before the hour; without a baseline an indicator scores 0.
-#}
{% set w = var('tilt_weights', {
    'trade_rate': 20, 'consecutive_losses': 25, 'size_escalation': 15,
    'quick_reentry': 20, 'cancel_rate': 10, 'unusual_hour': 10,
}) %}
{% set levels = var('tilt_levels', {'caution': 40, 'warning': 60, 'locked': 80}) %}
{% set baseline_days = var('tilt_baseline_days', 7) %}
{% set trade_rate_full = var('tilt_trade_rate_full_ratio', 3) %}
{% set losses_full = var('tilt_losses_full', 3) %}
{% set size_full = var('tilt_size_full_ratio', 2) %}
{% set reentry_minutes = var('tilt_reentry_minutes', 5) %}
{% set reentry_full = var('tilt_reentry_full_count', 2) %}
{% set cancel_full = var('tilt_cancel_full_excess', 0.5) %}
{% set usual_days = var('tilt_usual_hours_days', 30) %}
{% set rare_share = var('tilt_rare_hour_share', 0.05) %}
{% set rare_min_hours = var('tilt_rare_hour_min_hours', 5) %}
with exits as (
    select
        venue,
        account,
        exit_kind,
        exit_id,
        exited_at,
        realized_pnl
    from {{ ref('position_exits') }}
),

-- the losing streak after each exit (a non-losing exit ends it)
streaks as (
    select
        *,
        losses_so_far
        - coalesce(
            max(case when realized_pnl >= 0 then losses_so_far end) over account_exits, 0
        ) as losing_streak
    from (
        select
            *,
            count(*) filter (where realized_pnl < 0) over account_exits as losses_so_far
        from exits
        window account_exits as (
            partition by venue, account order by exited_at, exit_id
            rows between unbounded preceding and current row
        )
    ) as counted
    window account_exits as (
        partition by venue, account order by exited_at, exit_id
        rows between unbounded preceding and current row
    )
),

fills as (
    select
        fill_pnl.venue,
        fill_pnl.account,
        fill_pnl.fill_id,
        fill_pnl.executed_at,
        fill_pnl.notional,
        exits.exit_id is not null as is_exit
    from {{ ref('int_fill_pnl') }} as fill_pnl
    left join exits
        on
            fill_pnl.venue = exits.venue
            and fill_pnl.account = exits.account
            and exits.exit_kind = 'fill'
            and fill_pnl.fill_id = exits.exit_id
),

-- every entry (a fill that closed nothing) with the account's latest exit at or before it
entries as (
    select
        fills.*,
        previous.realized_pnl < 0 as follows_loss,
        previous.realized_pnl < 0
        and fills.executed_at - previous.exited_at <= interval '{{ reentry_minutes }} minutes'
            as is_quick_reentry
    from fills
    left join lateral (
        select
            exits.realized_pnl,
            exits.exited_at
        from exits
        where
            exits.venue = fills.venue
            and exits.account = fills.account
            and exits.exited_at <= fills.executed_at
        order by exits.exited_at desc, exits.exit_id desc
        limit 1
    ) as previous on true
    where not fills.is_exit
),

orders as (
    select
        venue,
        account,
        created_at,
        status = 'canceled' as is_canceled
    from {{ ref('orders') }}
),

activity as (
    select venue, account, date_trunc('hour', executed_at) as hour_start, executed_at as at
    from fills
    union all
    select venue, account, date_trunc('hour', created_at) as hour_start, created_at as at
    from orders
),

hours as (
    select
        activity.venue,
        activity.account,
        activity.hour_start,
        max(activity.at) as last_activity_at
    from activity
    group by activity.venue, activity.account, activity.hour_start
),

hourly as (
    select
        hours.*,
        (
            select count(*) from fills
            where {{ tilt_in_hour('fills', 'executed_at') }}
        ) as trades,
        (
            select count(*) from orders
            where {{ tilt_in_hour('orders', 'created_at') }}
        ) as orders_placed,
        (
            select count(*) from orders
            where {{ tilt_in_hour('orders', 'created_at') }} and orders.is_canceled
        ) as orders_canceled,
        (
            select count(*) from entries
            where {{ tilt_in_hour('entries', 'executed_at') }}
        ) as entries,
        (
            select sum(entries.notional) from entries
            where {{ tilt_in_hour('entries', 'executed_at') }}
        ) as entry_notional,
        (
            select max(entries.notional) from entries
            where {{ tilt_in_hour('entries', 'executed_at') }} and entries.follows_loss
        ) as max_entry_after_loss,
        (
            select count(*) from entries
            where {{ tilt_in_hour('entries', 'executed_at') }} and entries.is_quick_reentry
        ) as quick_reentries,
        coalesce((
            select streaks.losing_streak from streaks
            where
                streaks.venue = hours.venue
                and streaks.account = hours.account
                and streaks.exited_at < hours.hour_start + interval '1 hour'
            order by streaks.exited_at desc, streaks.exit_id desc
            limit 1
        ), 0) as consecutive_losses
    from hours
),

-- the account's own baselines: the `baseline_days` before the hour (the hour itself excluded)
baselines as (
    select
        *,
        sum(trades) over baseline_hours as baseline_trades,
        count(*) filter (where trades > 0) over baseline_hours as baseline_trade_hours,
        sum(orders_placed) over baseline_hours as baseline_orders,
        sum(orders_canceled) over baseline_hours as baseline_canceled,
        sum(entries) over baseline_hours as baseline_entries,
        sum(entry_notional) over baseline_hours as baseline_entry_notional,
        count(*) over usual_window as usual_hours,
        count(*) over usual_same_hour_window as usual_same_hour
    from hourly
    window
        baseline_hours as (
            partition by venue, account order by hour_start
            range between interval '{{ baseline_days }} days' preceding and interval '1 hour' preceding
        ),
        usual_window as (
            partition by venue, account order by hour_start
            range between interval '{{ usual_days }} days' preceding and interval '1 hour' preceding
        ),
        usual_same_hour_window as (
            partition by venue, account, extract(hour from hour_start at time zone 'UTC')
            order by hour_start
            range between interval '{{ usual_days }} days' preceding and interval '1 hour' preceding
        )
),

-- each indicator's value and its 0–1 score
valued as (
    select
        *,
        round(trades / nullif(baseline_trades / nullif(baseline_trade_hours, 0), 0), 4)
            as trade_rate_ratio,
        round(orders_canceled::numeric / nullif(orders_placed, 0), 4) as cancel_rate,
        round(baseline_canceled::numeric / nullif(baseline_orders, 0), 4) as baseline_cancel_rate,
        round(
            max_entry_after_loss / nullif(baseline_entry_notional / nullif(baseline_entries, 0), 0), 4
        ) as size_ratio,
        round(usual_same_hour::numeric / nullif(usual_hours, 0), 4) as hour_share
    from baselines
),

scored as (
    select
        *,
        least(greatest(coalesce((trade_rate_ratio - 1) / ({{ trade_rate_full }} - 1), 0), 0), 1)
            as trade_rate_score,
        least(consecutive_losses::numeric / {{ losses_full }}, 1) as consecutive_losses_score,
        least(greatest(coalesce((size_ratio - 1) / ({{ size_full }} - 1), 0), 0), 1)
            as size_escalation_score,
        least(quick_reentries::numeric / {{ reentry_full }}, 1) as quick_reentry_score,
        least(greatest(coalesce((cancel_rate - baseline_cancel_rate) / {{ cancel_full }}, 0), 0), 1)
            as cancel_rate_score,
        case
            when usual_hours >= {{ rare_min_hours }} and hour_share < {{ rare_share }} then 1 else 0
        end as unusual_hour_score
    from valued
),

contributions as (
    select
        *,
        round({{ w['trade_rate'] }} * trade_rate_score, 2) as trade_rate_points,
        round({{ w['consecutive_losses'] }} * consecutive_losses_score, 2) as consecutive_losses_points,
        round({{ w['size_escalation'] }} * size_escalation_score, 2) as size_escalation_points,
        round({{ w['quick_reentry'] }} * quick_reentry_score, 2) as quick_reentry_points,
        round({{ w['cancel_rate'] }} * cancel_rate_score, 2) as cancel_rate_points,
        round({{ w['unusual_hour'] }} * unusual_hour_score, 2) as unusual_hour_points
    from scored
),

totals as (
    select
        *,
        least(
            trade_rate_points + consecutive_losses_points + size_escalation_points
            + quick_reentry_points + cancel_rate_points + unusual_hour_points,
            100
        ) as tilt_score
    from contributions
)

select
    venue,
    account,
    hour_start,
    last_activity_at,
    tilt_score,
    case
        when tilt_score >= {{ levels['locked'] }} then 'LOCKED'
        when tilt_score >= {{ levels['warning'] }} then 'WARNING'
        when tilt_score >= {{ levels['caution'] }} then 'CAUTION'
        else 'NORMAL'
    end as tilt_level,
    jsonb_build_object(
        'trade_rate', jsonb_build_object(
            'value', trade_rate_ratio, 'trades', trades,
            'baseline_per_hour', round(baseline_trades / nullif(baseline_trade_hours, 0), 4),
            'contribution', trade_rate_points
        ),
        'consecutive_losses', jsonb_build_object(
            'value', consecutive_losses, 'contribution', consecutive_losses_points
        ),
        'size_escalation', jsonb_build_object(
            'value', size_ratio, 'max_entry_after_loss', max_entry_after_loss,
            'baseline_entry', round(baseline_entry_notional / nullif(baseline_entries, 0), 8),
            'contribution', size_escalation_points
        ),
        'quick_reentry', jsonb_build_object(
            'value', quick_reentries, 'contribution', quick_reentry_points
        ),
        'cancel_rate', jsonb_build_object(
            'value', cancel_rate, 'baseline', baseline_cancel_rate,
            'contribution', cancel_rate_points
        ),
        'unusual_hour', jsonb_build_object(
            'value', hour_share, 'history_hours', usual_hours,
            'contribution', unusual_hour_points
        )
    ) as indicators,
    consecutive_losses,
    trades,
    orders_placed,
    orders_canceled
from totals
