-- The Behaviour events of a 4h report window (int_report_notable_events adds them to the
-- others): each own account's tilt level change (`tilt_change`, marts.tilt_events) with the
-- indicators that contributed, largest first, and each exit that needed more than one order
-- (`walked_exit`, marts.exit_attempts) with the limit prices walked and its fill.
-- the tilt level changes, with the indicators that contributed, largest first
with tilt_changes as (
    select
        {{ report_window_start('events.occurred_at') }} as period_start,
        events.occurred_at as event_at,
        events.venue,
        events.account,
        events.level_before,
        events.level_after,
        events.tilt_score_before,
        events.tilt_score_after,
        events.tilt_indicators,
        (
            select
                string_agg(
                    format('%s %s', indicator.key, indicator.value ->> 'contribution'), ', '
                    order by (indicator.value ->> 'contribution')::numeric desc, indicator.key
                )
            from jsonb_each(events.tilt_indicators) as indicator
            where (indicator.value ->> 'contribution')::numeric > 0
        ) as contributions
    from {{ ref('tilt_events') }} as events
),

-- exits that took more than one order: reported when their last attempt filled or, while
-- none has, at the last attempt's placement
walked_exits as (
    select
        {{ report_window_start('event_at') }} as period_start,
        *
    from (
        select
            venue,
            account,
            exit_id,
            min(market_id) as market_id,
            min(outcome) as outcome,
            count(*) as attempts,
            bool_or(success) as filled,
            string_agg(coalesce(limit_price::text, 'market'), ' -> ' order by attempt_number)
                as limit_prices,
            max(fill_price) filter (where success) as fill_price,
            max(coalesce(terminal_at, created_at)) filter (where success) as filled_at,
            max(created_at) as last_attempt_at,
            coalesce(
                max(coalesce(terminal_at, created_at)) filter (where success), max(created_at)
            ) as event_at,
            jsonb_agg(
                jsonb_build_object(
                    'order_id', order_id, 'attempt', attempt_number, 'limit_price', limit_price,
                    'fill_price', fill_price, 'success', success
                ) order by attempt_number
            ) as attempt_list
        from {{ ref('exit_attempts') }}
        group by venue, account, exit_id
    ) as exits
    where attempts > 1
),

events as (
    select
        period_start,
        'tilt_change' as event_type,
        row_number() over (partition by period_start order by event_at, venue, account) as event_rank,
        event_at,
        format(
            '%s %s tilt %s -> **%s** at %s UTC (score %s%s)',
            venue, {{ report_id('account') }}, level_before, level_after,
            to_char(event_at at time zone 'UTC', 'HH24:MI'), tilt_score_after,
            coalesce(': ' || contributions, '')
        ) as markdown_line,
        jsonb_build_object(
            'type', 'tilt_change', 'venue', venue, 'account', account,
            'level_before', level_before, 'level_after', level_after,
            'tilt_score_before', tilt_score_before, 'tilt_score_after', tilt_score_after,
            'indicators', tilt_indicators, 'at', event_at
        ) as detail
    from tilt_changes

    union all

    select
        period_start,
        'walked_exit' as event_type,
        row_number() over (partition by period_start order by event_at, venue, account, exit_id)
            as event_rank,
        event_at,
        format(
            '%s %s exit of %s%s: %s attempts, limit %s, %s',
            venue, {{ report_id('account') }}, market_id, coalesce(' ' || outcome, ''), attempts,
            limit_prices,
            case
                when filled
                    then format(
                        'filled at %s at %s UTC', {{ report_amount('fill_price') }},
                        to_char(filled_at at time zone 'UTC', 'HH24:MI')
                    )
                else 'not filled'
            end
        ) as markdown_line,
        jsonb_build_object(
            'type', 'walked_exit', 'venue', venue, 'account', account, 'exit_id', exit_id,
            'market_id', market_id, 'outcome', outcome, 'attempts', attempts, 'filled', filled,
            'fill_price', fill_price, 'attempt_list', attempt_list, 'at', event_at
        ) as detail
    from walked_exits
)

select period_start, event_type, event_rank, event_at, markdown_line, detail
from events
