-- One row per 4h window (aligned to 00/04/08/12/16/20 UTC) with any data: own fills or
-- settlements, tracked-wallet moves, edges, market state changes, or data-quality incidents (stale and late
-- source streams included), prop-firm challenge events and alerts; the Behaviour section lists the trading
-- sessions of own accounts that overlap the window, their tilt level changes and the exits that
-- needed more than one attempt; Open positions lists the own positions open at the window's end
-- with their mark and unrealized PnL, and the accounts' equity then. summary_markdown is what
-- `tradelake report` prints; the chart it links to is
-- rendered by the reports/pnl_chart asset.
with pnl as (
    select * from {{ ref('int_report_window_pnl') }}
),

events as (
    select * from {{ ref('int_report_notable_events') }}
),

-- prop-firm challenges: starts, fundings and failures (their own sentences) and the risk
-- alerts triggered in the window; a limit exceeded is said by the failure
challenge_items as (
    select
        {{ report_window_start('occurred_at') }} as period_start,
        occurred_at as event_at,
        challenge_id,
        0 as item_order,
        description as line
    from {{ ref('stg_challenges__events') }}
    where event_type in ('CHALLENGE_STARTED', 'CHALLENGE_FAILED', 'CHALLENGE_FUNDED')
    union all
    select
        {{ report_window_start('triggered_at') }} as period_start,
        triggered_at as event_at,
        challenge_id,
        1 as item_order,
        format(
            '%s alert %s (%s): %s',
            challenge_id,
            alert_type,
            severity,
            case alert_type
                when 'HIGH_DRAWDOWN'
                    then
                        format(
                            '%s drawdown reached %s %% (alert from %s %%)',
                            details ->> 'kind',
                            round((details ->> 'peak_pct')::numeric, 2),
                            round((details ->> 'threshold_pct')::numeric, 2)
                        )
                when 'PROFIT_TARGET_REACHED'
                    then
                        format(
                            'profit %s %% reached the %s %% target',
                            round((details ->> 'peak_pct')::numeric, 2),
                            round((details ->> 'threshold_pct')::numeric, 2)
                        )
                when 'INACTIVE_TRADING'
                    then
                        format(
                            'no fill for %s days since %s UTC',
                            details ->> 'inactive_days',
                            to_char((details ->> 'last_fill_or_start_at')::timestamptz at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
                        )
                when 'UNUSUAL_ACTIVITY'
                    then
                        format(
                            'volume on %s was %s times the median day',
                            details ->> 'day', details ->> 'multiple'
                        )
                else details ->> 'description'
            end
        ) as line
    from {{ ref('risk_alerts') }}
    where alert_type not in ('DAILY_DRAWDOWN_EXCEEDED', 'TOTAL_DRAWDOWN_EXCEEDED')
),

challenge_sections as (
    select
        period_start,
        string_agg('- ' || line, E'\n' order by event_at, item_order, challenge_id) as challenge_lines,
        count(*) as challenge_items
    from challenge_items
    group by period_start
),

-- trading sessions overlapping the window (a session's fills are at most the session gap
-- apart, so every window it overlaps holds one of its fills and is a window already)
behaviour_sections as (
    select
        windows_of_session.window_start as period_start,
        string_agg(
            format(
                '- %s %s session %s–%s UTC: %s trade(s), %s won / %s lost, net %s, max drawdown %s',
                venue, {{ report_id('account') }},
                to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
                to_char(ended_at at time zone 'UTC', 'HH24:MI'),
                total_trades, winning_trades, losing_trades,
                {{ report_amount('net_pnl') }}, {{ report_amount('max_drawdown') }}
            ),
            E'\n' order by started_at, venue, account
        ) as session_lines,
        count(*) as sessions
    from (
        select
            sessions.*,
            generate_series(
                {{ report_window_start('sessions.started_at') }},
                {{ report_window_start('sessions.ended_at') }},
                interval '4 hours'
            ) as window_start
        from {{ ref('trading_sessions') }} as sessions
    ) as windows_of_session
    group by windows_of_session.window_start
),

deliveries as (
    select
        period_start,
        min(delivered_at) as delivered_at
    from {{ source('ops', 'report_deliveries') }}
    where report_type = '4h' and status = 'delivered'
    group by period_start
),

-- the ledgers' hash chains as checked in the window (chain_intact checks, `tradelake verify`)
chain_status as (
    select
        {{ report_window_start('checked_at') }} as period_start,
        count(distinct relation) as ledgers_checked,
        count(distinct relation) filter (where not success) as ledgers_broken,
        max(checked_at) as last_checked_at
    from {{ ref('stg_ops__check_results') }}
    where expectation = 'chain_intact'
    group by period_start
),

windows as (
    select period_start from pnl
    union
    select period_start from events
    union
    select period_start from challenge_sections
),

totals as (
    select
        windows.period_start,
        windows.period_start + interval '4 hours' as period_end,
        coalesce(sum(pnl.fills), 0) as fills,
        count(pnl.venue) filter (where pnl.fills > 0) as venues_with_fills,
        coalesce(sum(pnl.volume), 0) as volume,
        coalesce(sum(pnl.fees), 0) as fees,
        coalesce(sum(pnl.fill_pnl), 0) as fill_pnl,
        coalesce(sum(pnl.settlements), 0) as settlements,
        coalesce(sum(pnl.settlement_pnl), 0) as settlement_pnl,
        coalesce(sum(pnl.resolved_positions), 0) as resolved_positions,
        coalesce(sum(pnl.resolution_pnl), 0) as resolution_pnl,
        coalesce(sum(pnl.realized_pnl), 0) as realized_pnl,
        coalesce(sum(pnl.net_pnl), 0) as net_pnl
    from windows
    left join pnl on windows.period_start = pnl.period_start
    group by windows.period_start
),

cumulative as (
    select
        *,
        sum(net_pnl) over (order by period_start) as cumulative_net_pnl
    from totals
),

venue_tables as (
    select
        period_start,
        string_agg(
            format(
                '| %s | %s | %s | %s | %s | %s | %s | %s |',
                venue, fills, {{ report_amount('volume') }}, {{ report_amount('fees') }},
                {{ report_amount('fill_pnl') }}, {{ report_amount('settlement_pnl') }},
                {{ report_amount('resolution_pnl') }}, {{ report_amount('net_pnl') }}
            ),
            E'\n' order by venue
        ) as venue_rows,
        jsonb_object_agg(
            venue,
            jsonb_build_object(
                'fills', fills, 'volume', volume, 'fees', fees, 'fill_pnl', fill_pnl,
                'settlements', settlements, 'settlement_pnl', settlement_pnl,
                'resolved_positions', resolved_positions, 'resolution_pnl', resolution_pnl,
                'realized_pnl', realized_pnl, 'net_pnl', net_pnl
            )
        ) as by_venue
    from pnl
    group by period_start
),

sections as (
    select
        period_start,
        string_agg('- ' || markdown_line, E'\n' order by event_rank)
        filter (where event_type = 'settlement') as settlement_lines,
        string_agg('- ' || markdown_line, E'\n' order by event_type = 'wallet_bias', event_rank)
        filter (where event_type in ('wallet_move', 'wallet_bias')) as wallet_lines,
        string_agg('- ' || markdown_line, E'\n' order by event_rank)
        filter (where event_type = 'edge') as edge_lines,
        string_agg('- ' || markdown_line, E'\n' order by event_rank)
        filter (where event_type = 'tilt_change') as tilt_lines,
        string_agg('- ' || markdown_line, E'\n' order by event_rank)
        filter (where event_type = 'walked_exit') as walked_exit_lines,
        count(*) filter (where event_type = 'tilt_change') as tilt_changes,
        count(*) filter (where event_type = 'walked_exit') as walked_exits,
        -- the BTC regime's changes first: they move every instrument below them
        string_agg('- ' || markdown_line, E'\n' order by event_type != 'market_regime', event_rank)
        filter (where event_type in ('market_regime', 'market_state')) as market_lines,
        -- stale, then late sources first: a venue that did not load makes every number above
        -- incomplete
        string_agg(
            '- ' || markdown_line, E'\n'
            order by event_type != 'stale_source', event_type != 'late_source', event_type, event_rank
        ) filter (
            where event_type in (
                'stale_source', 'late_source', 'chain_broken', 'data_quality', 'failed_expectation', 'volume_warning',
                'schema_drift', 'ledger_conflict'
            )
        ) as incident_lines,
        count(*) filter (where event_type = 'wallet_move') as wallet_moves,
        count(*) filter (where event_type = 'wallet_bias') as wallet_biases,
        count(*) filter (where event_type = 'edge') as edges,
        count(*) filter (where event_type = 'market_state') as market_state_changes,
        count(*) filter (where event_type = 'market_regime') as market_regime_events,
        coalesce(sum((detail ->> 'records')::integer) filter (where event_type = 'data_quality'), 0)
            as quarantined_records,
        coalesce(sum((detail ->> 'conflicts')::integer) filter (where event_type = 'ledger_conflict'), 0)
            as ledger_conflicts,
        jsonb_agg(detail - 'type' order by event_rank) filter (where event_type = 'stale_source')
            as stale_streams,
        count(*) filter (where event_type = 'late_source') as late_streams,
        jsonb_agg(detail order by event_type, event_rank) as notable_events
    from events
    group by period_start
),

position_sections as (
    select * from {{ ref('int_report_open_positions') }}
),

assembled as (
    select
        cumulative.*,
        venue_tables.venue_rows,
        venue_tables.by_venue,
        sections.settlement_lines,
        sections.wallet_lines,
        sections.edge_lines,
        sections.tilt_lines,
        sections.walked_exit_lines,
        coalesce(sections.tilt_changes, 0) as tilt_changes,
        coalesce(sections.walked_exits, 0) as walked_exits,
        sections.market_lines,
        sections.incident_lines,
        chain_status.ledgers_checked as chain_ledgers_checked,
        chain_status.ledgers_broken as chain_ledgers_broken,
        case
            when chain_status.ledgers_broken > 0
                then format(
                    'Hash chains: **%s of %s ledger(s) broken** (checked up to %s UTC).',
                    chain_status.ledgers_broken, chain_status.ledgers_checked,
                    to_char(chain_status.last_checked_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
                )
            when chain_status.ledgers_checked > 0
                then format(
                    'Hash chains: %s ledger(s) checked, all intact (last at %s UTC).',
                    chain_status.ledgers_checked,
                    to_char(chain_status.last_checked_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
                )
        end as chain_line,
        challenge_sections.challenge_lines,
        coalesce(challenge_sections.challenge_items, 0) as challenge_items,
        behaviour_sections.session_lines,
        coalesce(behaviour_sections.sessions, 0) as sessions,
        position_sections.position_lines,
        coalesce(position_sections.open_positions, 0) as open_positions,
        position_sections.unrealized_pnl,
        position_sections.equity,
        coalesce(sections.wallet_moves, 0) as wallet_moves,
        coalesce(sections.wallet_biases, 0) as wallet_biases,
        coalesce(sections.edges, 0) as edges,
        coalesce(sections.market_state_changes, 0) as market_state_changes,
        coalesce(sections.market_regime_events, 0) as market_regime_events,
        regime.state as btc_regime,
        case
            when regime.state is not null
                then format(
                    'BTC regime at %s UTC: **%s** (BTC %s, 24h %s %%).',
                    to_char(regime.detected_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), regime.state,
                    {{ report_amount('regime.btc_price') }},
                    coalesce(round(regime.return_24h_pct, 2)::text, 'n/a')
                )
        end as regime_line,
        coalesce(sections.quarantined_records, 0) as quarantined_records,
        coalesce(sections.ledger_conflicts, 0) as ledger_conflicts,
        coalesce(sections.stale_streams, '[]'::jsonb) as stale_streams,
        coalesce(sections.late_streams, 0) as late_streams,
        sections.notable_events,
        'charts/pnl_' || to_char(cumulative.period_start at time zone 'UTC', 'YYYYMMDD"T"HH24') || '.png'
            as chart_path
    from cumulative
    left join venue_tables on cumulative.period_start = venue_tables.period_start
    left join sections on cumulative.period_start = sections.period_start
    left join challenge_sections on cumulative.period_start = challenge_sections.period_start
    left join chain_status on cumulative.period_start = chain_status.period_start
    -- the regime as of the window's last closed hour
    left join lateral (
        select
            global_market_states.detected_at,
            global_market_states.state,
            global_market_states.btc_price,
            global_market_states.return_24h_pct
        from {{ ref('global_market_states') }} as global_market_states
        where
            global_market_states.detected_at > cumulative.period_start
            and global_market_states.detected_at <= cumulative.period_end
        order by global_market_states.detected_at desc
        limit 1
    ) as regime on true
    left join behaviour_sections on cumulative.period_start = behaviour_sections.period_start
    left join position_sections on cumulative.period_start = position_sections.period_start
),

delivered as (
    select
        assembled.*,
        deliveries.delivered_at
    from assembled
    left join deliveries on assembled.period_start = deliveries.period_start
)

select
    '4h' as report_type,
    period_start,
    period_end,
    concat_ws(
        E'\n\n',
        format(
            '# 4h report: %s to %s UTC',
            to_char(period_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
            to_char(period_end at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
        ),
        format(
            '**%s** on %s venue(s), net PnL **%s**; %s settlement(s), %s resolved position(s); '
            || 'cumulative net PnL to the end of the window %s.',
            case when fills = 1 then '1 fill' else fills || ' fills' end,
            venues_with_fills,
            {{ report_amount('net_pnl') }},
            settlements,
            resolved_positions,
            {{ report_amount('cumulative_net_pnl') }}
        ),
        '## PnL and fills by venue',
        coalesce(
            '| venue | fills | volume | fees | fill PnL | settlement PnL | resolution PnL | net PnL |'
            || E'\n' || '|---|---:|---:|---:|---:|---:|---:|---:|' || E'\n' || venue_rows,
            'No own fills, settlements or resolved positions in this window.'
        ),
        '## Settlements',
        coalesce(settlement_lines, 'None.'),
        '## Open positions',
        coalesce(
            position_lines
            || case
                when equity is not null
                    then E'\n' || format('Equity of the own accounts at the end: %s.', {{ report_amount('equity') }})
                else ''
            end,
            'No open position at the end of the window.'
        ),
        '## Tracked wallets (biggest moves, strongest 4h bias)',
        coalesce(wallet_lines, 'No tracked-wallet trades or redemptions.'),
        '## Biggest edges',
        coalesce(edge_lines, 'No linked market observation with a model probability.'),
        '## Market',
        coalesce(
            nullif(concat_ws(E'\n', regime_line, market_lines), ''),
            'No market state changed.'
        ),
        '## Challenges',
        coalesce(challenge_lines, 'No challenge started, ended or raised an alert.'),
        '## Behaviour',
        coalesce(session_lines, 'No trading session in this window.'),
        'Tilt level changes:' || E'\n' || tilt_lines,
        'Exits that needed more than one attempt:' || E'\n' || walked_exit_lines,
        '## Data quality',
        coalesce(incident_lines, 'No incidents.'),
        chain_line,
        format('![Cumulative net PnL](%s)', chart_path)
    ) as summary_markdown,
    jsonb_build_object(
        'fills', fills,
        'volume', volume,
        'fees', fees,
        'fill_pnl', fill_pnl,
        'settlements', settlements,
        'settlement_pnl', settlement_pnl,
        'resolved_positions', resolved_positions,
        'resolution_pnl', resolution_pnl,
        'realized_pnl', realized_pnl,
        'net_pnl', net_pnl,
        'cumulative_net_pnl', cumulative_net_pnl,
        'by_venue', coalesce(by_venue, '{}'::jsonb),
        'wallet_moves_listed', wallet_moves,
        'wallet_biases_listed', wallet_biases,
        'edges_listed', edges,
        'market_state_changes', market_state_changes,
        'market_regime_events', market_regime_events,
        'btc_regime', btc_regime,
        'challenge_items', challenge_items,
        'sessions', sessions,
        'tilt_changes', tilt_changes,
        'walked_exits', walked_exits,
        'open_positions', open_positions,
        'unrealized_pnl', unrealized_pnl,
        'equity', equity,
        'quarantined_records', quarantined_records,
        'ledger_conflicts', ledger_conflicts,
        'chain_ledgers_checked', chain_ledgers_checked,
        'chain_ledgers_broken', chain_ledgers_broken,
        'stale_streams', jsonb_array_length(stale_streams),
        'late_streams', late_streams
    ) as metrics,
    coalesce(notable_events, '[]'::jsonb) as notable_events,
    chart_path,
    now() as generated_at,
    stale_streams,
    delivered_at,
    delivered_at is not null as push_sent
from delivered
