-- One row per notable event of a 4h report window, ranked within its type: settlements of own
-- accounts, the tracked wallets' biggest moves (with their credibility at the time), the biggest
-- edges, the strongest tracked-wallet biases, the market states and BTC regimes that changed
-- (marts.market_states, marts.global_market_states), own accounts' tilt level changes
-- (marts.tilt_events) and exits that needed more than one attempt (marts.exit_attempts), and
-- data-quality incidents (stale source
-- streams, quarantine, failed expectations, schema drift, ledger conflicts). markdown_line is what the report prints; detail the same
-- as jsonb for marts.reports.notable_events.
with settlements as (
    -- the settlement's PnL as int_pnl_events computes it (the one place the rule lives)
    select
        {{ report_window_start('settled.settled_at') }} as period_start,
        settled.settled_at as event_at,
        settled.venue,
        settled.account,
        settled.market_id,
        settled.result,
        settled.revenue,
        pnl_events.pnl
    from {{ ref('settlements') }} as settled
    inner join {{ ref('int_pnl_events') }} as pnl_events
        on
            pnl_events.event_kind = 'settlement'
            and settled.venue = pnl_events.venue
            and settled.account = pnl_events.account
            and settled.market_id = pnl_events.event_id
),

moves as (
    select
        {{ report_window_start('occurred_at') }} as period_start,
        occurred_at as event_at,
        event_id,
        wallet,
        event_type,
        market_id,
        coalesce(outcome, asset_symbol, asset) as what,
        side,
        quantity,
        price,
        amount_usd,
        size_fraction,
        size_basis,
        is_first_since_watch
    from {{ ref('wallet_events') }}
    where event_type in ('trade', 'redeem') and coalesce(succeeded, true)
),

-- the five biggest moves of each window (ranked before their scores are looked up, so that
-- only those few look one up: one indexed probe each)
top_moves as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by period_start
                order by amount_usd desc nulls last, event_at, event_id
            ) as move_rank
        from moves
    ) as ranked
    where move_rank <= 5
),

scored_moves as (
    select
        moves.*,
        score.credibility_4h,
        score.archetype
    from top_moves as moves
    left join lateral (
        select scores.credibility_4h, scores.archetype
        from {{ ref('wallet_scores') }} as scores
        where scores.wallet = moves.wallet and scores.scored_at <= moves.event_at
        order by scores.scored_at desc
        limit 1
    ) as score on true
),

latest_edges as (
    select distinct on (window_start, venue, market_id, outcome, model_name, model_version)
        {{ report_window_start('observed_at') }} as window_start,
        observed_at,
        venue,
        market_id,
        outcome,
        team,
        model_name,
        model_version,
        probability,
        market_price,
        edge,
        expected_value,
        confidence_level,
        recommended_action
    from {{ ref('edges') }}
    order by window_start, venue, market_id, outcome, model_name, model_version, observed_at desc
),

ranked_edges as (
    select
        *,
        row_number() over (
            partition by window_start
            order by abs(edge) desc, venue, market_id, outcome, model_name, model_version
        ) as edge_rank
    from latest_edges
),

quarantined as (
    select
        {{ report_window_start('first_seen_at') }} as period_start,
        source_name,
        stream,
        reason,
        count(*) as records,
        min(first_seen_at) as event_at
    from {{ ref('stg_ops__quarantine') }}
    group by period_start, source_name, stream, reason
),

failed_expectations as (
    -- a ledger suite validates each run's new rows (their counts add up); a core or mart suite
    -- the whole relation every run after dbt (the window's latest count says how many rows)
    select
        {{ report_window_start('checked_at') }} as period_start,
        relation,
        expectation,
        case
            when relation like 'ledger.%' then sum(unexpected_count)
            else (array_agg(unexpected_count order by checked_at desc))[1]
        end as violations,
        min(checked_at) as event_at,
        (array_agg(unexpected_sample order by checked_at))[1] as sample
    from {{ ref('stg_ops__check_results') }}
    where not success and expectation not in ('chain_intact', 'row_count_volume')
    group by period_start, relation, expectation
),

volume_warnings as (
    -- a ledger's nearly empty day against its own history (quality/volume.py), once per window
    select
        {{ report_window_start('checked_at') }} as period_start,
        relation,
        min(checked_at) as event_at,
        (array_agg(observed_value order by checked_at desc))[1] as observed
    from {{ ref('stg_ops__check_results') }}
    where not success and expectation = 'row_count_volume'
    group by period_start, relation
),

broken_chains as (
    -- a ledger's hash chain found broken by its chain_intact check or by `tradelake verify`
    select
        {{ report_window_start('checked_at') }} as period_start,
        relation,
        min(checked_at) as event_at,
        (array_agg(observed_value order by checked_at))[1] as observed
    from {{ ref('stg_ops__check_results') }}
    where not success and expectation = 'chain_intact'
    group by period_start, relation
),

schema_drift as (
    select
        {{ report_window_start('first_seen_at') }} as period_start,
        source_name,
        stream,
        field_name,
        change,
        is_blocking,
        detail,
        page_id,
        first_seen_at as event_at
    from {{ ref('stg_ops__schema_drift') }}
),

conflicts as (
    select
        {{ report_window_start('detected_at') }} as period_start,
        table_name,
        count(*) as conflicts,
        min(detected_at) as event_at
    from {{ ref('stg_ops__ledger_conflicts') }}
    group by period_start, table_name
),

stale_streams as (
    select * from {{ ref('int_stale_streams') }}
),

late_streams as (
    select * from {{ ref('int_late_streams') }}
),

-- the strongest 4h wallet biases computed in the window (marts.bias), the latest per asset
latest_bias as (
    select distinct on (window_start, source, market_id, outcome)
        {{ report_window_start('computed_at') }} as window_start,
        computed_at,
        source,
        market_id,
        outcome,
        asset,
        value,
        confidence,
        wallets
    from {{ ref('bias') }}
    where timeframe = '4h'
    order by window_start, source, market_id, outcome, computed_at desc
),

ranked_bias as (
    select
        *,
        row_number() over (
            partition by window_start order by abs(value) desc, source, market_id, outcome
        ) as bias_rank
    from latest_bias
    where value != 0
),

market_changes as (
    select
        {{ report_window_start('detected_at') }} as period_start,
        detected_at as event_at,
        venue,
        instrument,
        state,
        previous_state,
        volatility_atr,
        volume_24h
    from {{ ref('market_states') }}
    where state is distinct from previous_state and previous_state is not null
),

regime_hours as (
    select
        *,
        lag(correlation_spike) over (order by hour) as previous_spike
    from {{ ref('global_market_states') }}
),

regime_changes as (
    -- the BTC regime changed, or a correlation spike began
    select
        {{ report_window_start('detected_at') }} as period_start,
        detected_at as event_at,
        state,
        previous_state,
        (state is distinct from previous_state and previous_state is not null) as regime_changed,
        (correlation_spike and not previous_spike) as spike_began,
        btc_price,
        return_24h_pct,
        mean_correlation_24h
    from regime_hours
    where
        (state is distinct from previous_state and previous_state is not null)
        or (correlation_spike and not previous_spike)
),

events as (
    select
        period_start,
        'settlement' as event_type,
        row_number() over (partition by period_start order by event_at, venue, account, market_id) as event_rank,
        event_at,
        format(
            '%s `%s` settled **%s**: revenue %s, PnL %s',
            venue, {{ report_id('market_id') }}, result, {{ report_amount('revenue') }}, {{ report_amount('pnl') }}
        ) as markdown_line,
        jsonb_build_object(
            'type', 'settlement', 'venue', venue, 'account', account, 'market_id', market_id,
            'result', result, 'revenue', revenue, 'pnl', pnl, 'at', event_at
        ) as detail
    from settlements

    union all

    select
        period_start,
        'wallet_move' as event_type,
        move_rank as event_rank,
        event_at,
        format(
            '`%s` (%s, credibility %s) %s on `%s`%s%s',
            {{ report_id('wallet') }},
            coalesce(archetype, 'unscored'),
            coalesce({{ report_amount('credibility_4h', 1) }} || '/10', 'n/a'),
            case
                when event_type = 'redeem' then 'redeemed $' || {{ report_amount('amount_usd') }}
                else
                    case when side = 'sell' then 'sold ' else 'bought ' end
                    || {{ report_amount('quantity') }} || ' ' || what
                    || coalesce(' @ ' || {{ report_amount('price', 3) }}, '')
                    || coalesce(' ($' || {{ report_amount('amount_usd') }} || ')', '')
            end,
            {{ report_id('market_id') }},
            -- how big for this wallet (core.wallet_events.size_fraction, capped at 100 %)
            coalesce(
                ', size ' || round(100 * size_fraction, 1) || '% of its '
                || case when size_basis = 'equity' then 'equity' else '30-day median trade' end,
                ''
            ),
            case when is_first_since_watch then ', **first trade in this market since watched**' else '' end
        ) as markdown_line,
        jsonb_build_object(
            'type', 'wallet_move', 'wallet', wallet, 'event_id', event_id, 'event_type', event_type,
            'market_id', market_id, 'outcome', what, 'side', side, 'quantity', quantity, 'price', price,
            'amount_usd', amount_usd, 'credibility_4h', credibility_4h, 'archetype', archetype,
            'size_fraction', size_fraction, 'size_basis', size_basis,
            'is_first_since_watch', is_first_since_watch, 'at', event_at
        ) as detail
    from scored_moves

    union all

    select
        window_start as period_start,
        'edge' as event_type,
        edge_rank as event_rank,
        observed_at as event_at,
        format(
            '%s `%s` %s%s: %s %s says %s vs price %s, edge **%s%s**, EV after fees %s/contract, '
            || '%s confidence: %s',
            venue, {{ report_id('market_id') }}, outcome, ' (' || team || ')', model_name, model_version,
            {{ report_amount('probability', 3) }}, {{ report_amount('market_price', 3) }},
            case when edge >= 0 then '+' else '' end, {{ report_amount('edge', 3) }},
            {{ report_amount('expected_value', 3) }}, confidence_level, replace(recommended_action, '_', ' ')
        ) as markdown_line,
        jsonb_build_object(
            'type', 'edge', 'venue', venue, 'market_id', market_id, 'outcome', outcome, 'team', team,
            'model_name', model_name, 'model_version', model_version, 'probability', probability,
            'market_price', market_price, 'edge', edge, 'expected_value', expected_value,
            'confidence_level', confidence_level, 'recommended_action', recommended_action,
            'at', observed_at
        ) as detail
    from ranked_edges
    where edge_rank <= 5

    union all

    select
        window_start as period_start,
        'wallet_bias' as event_type,
        bias_rank as event_rank,
        computed_at as event_at,
        format(
            'bias 4h on %s (%s): **%s%s** from %s wallet(s), confidence %s',
            asset, source, case when value > 0 then '+' else '' end, {{ report_amount('value', 2) }},
            wallets, {{ report_amount('confidence', 2) }}
        ) as markdown_line,
        jsonb_build_object(
            'type', 'wallet_bias', 'source', source, 'market_id', market_id, 'outcome', outcome,
            'asset', asset, 'value', value, 'confidence', confidence, 'wallets', wallets,
            'at', computed_at
        ) as detail
    from ranked_bias
    where bias_rank <= 3

    union all

    select
        period_start,
        'market_state' as event_type,
        row_number() over (partition by period_start order by event_at, venue, instrument) as event_rank,
        event_at,
        format(
            '%s %s: %s -> **%s** at %s UTC',
            venue, instrument, previous_state, state, to_char(event_at at time zone 'UTC', 'HH24:MI')
        ) as markdown_line,
        jsonb_build_object(
            'type', 'market_state', 'venue', venue, 'instrument', instrument, 'state', state,
            'previous_state', previous_state, 'volatility_atr', volatility_atr,
            'volume_24h', volume_24h, 'at', event_at
        ) as detail
    from market_changes

    union all

    select
        period_start,
        'market_regime' as event_type,
        row_number() over (partition by period_start order by event_at) as event_rank,
        event_at,
        concat_ws(
            '; ',
            case
                when regime_changed
                    then format(
                        'BTC regime %s -> **%s** at %s UTC (BTC %s, 24h %s %%)',
                        previous_state, state, to_char(event_at at time zone 'UTC', 'HH24:MI'),
                        {{ report_amount('btc_price') }}, coalesce(round(return_24h_pct, 2)::text, 'n/a')
                    )
            end,
            case
                when spike_began
                    then format(
                        'correlation spike at %s UTC: tracked instruments'' 24h return correlation %s',
                        to_char(event_at at time zone 'UTC', 'HH24:MI'), round(mean_correlation_24h, 2)
                    )
            end
        ) as markdown_line,
        jsonb_build_object(
            'type', 'market_regime', 'state', state, 'previous_state', previous_state,
            'regime_changed', regime_changed, 'correlation_spike_began', spike_began,
            'btc_price', btc_price, 'return_24h_pct', return_24h_pct,
            'mean_correlation_24h', mean_correlation_24h, 'at', event_at
        ) as detail
    from regime_changes

    union all

    select
        period_start,
        'data_quality' as event_type,
        row_number() over (partition by period_start order by event_at, source_name, stream, reason) as event_rank,
        event_at,
        format('%s record(s) quarantined from %s/%s: %s', records, source_name, stream, reason) as markdown_line,
        jsonb_build_object(
            'type', 'quarantine', 'source', source_name, 'stream', stream, 'reason', reason,
            'records', records, 'at', event_at
        ) as detail
    from quarantined

    union all

    select
        period_start,
        'failed_expectation' as event_type,
        row_number() over (partition by period_start order by event_at, relation, expectation) as event_rank,
        event_at,
        format(
            '%s row(s) of `%s` failed the expectation `%s` (e.g. %s)',
            coalesce(violations::text, 'some'), relation, expectation, coalesce(sample::text, 'n/a')
        ) as markdown_line,
        jsonb_build_object(
            'type', 'failed_expectation', 'relation', relation, 'expectation', expectation,
            'violations', violations, 'sample', sample, 'at', event_at
        ) as detail
    from failed_expectations

    union all

    select
        period_start,
        'volume_warning' as event_type,
        row_number() over (partition by period_start order by event_at, relation) as event_rank,
        event_at,
        format(
            '`%s` loaded %s row(s) on %s (UTC) where the %s days before had a median of %s a day',
            relation, observed ->> 'rows', observed ->> 'day', observed ->> 'trailing_days',
            observed ->> 'expected'
        ) as markdown_line,
        jsonb_build_object(
            'type', 'volume_warning', 'relation', relation, 'day', observed ->> 'day',
            'rows', (observed ->> 'rows')::bigint, 'expected', (observed ->> 'expected')::numeric,
            'at', event_at
        ) as detail
    from volume_warnings

    union all

    select
        period_start,
        'chain_broken' as event_type,
        row_number() over (partition by period_start order by event_at, relation) as event_rank,
        event_at,
        format(
            '**hash chain of `%s` broken** at chain_seq %s: %s (run `tradelake verify`; docs/reliability.md §11)',
            relation, coalesce(observed ->> 'broken_seq', 'n/a'), coalesce(observed ->> 'problem', 'n/a')
        ) as markdown_line,
        jsonb_build_object(
            'type', 'chain_broken', 'relation', relation, 'broken_seq', observed -> 'broken_seq',
            'problem', observed ->> 'problem', 'at', event_at
        ) as detail
    from broken_chains

    union all

    select
        period_start,
        'schema_drift' as event_type,
        row_number() over (
            partition by period_start order by not is_blocking, event_at, source_name, stream, field_name, change
        ) as event_rank,
        event_at,
        format(
            '%s drift in %s/%s: `%s` %s on page %s (%s)',
            case when is_blocking then 'blocking' else 'new-field' end,
            source_name, stream, field_name, change, coalesce(page_id::text, 'n/a'), detail
        ) as markdown_line,
        jsonb_build_object(
            'type', 'schema_drift', 'source', source_name, 'stream', stream, 'field', field_name,
            'change', change, 'is_blocking', is_blocking, 'page_id', page_id, 'detail', detail,
            'at', event_at
        ) as detail
    from schema_drift

    union all

    select
        period_start,
        'ledger_conflict' as event_type,
        row_number() over (partition by period_start order by event_at, table_name) as event_rank,
        event_at,
        format(
            '%s ledger conflict(s) in `%s`: re-delivered records differ from the stored ones', conflicts, table_name
        ) as markdown_line,
        jsonb_build_object('type', 'ledger_conflict', 'table', table_name, 'conflicts', conflicts, 'at', event_at)
            as detail
    from conflicts

    union all

    select
        period_start,
        'stale_source' as event_type,
        row_number() over (partition by period_start order by source_name, stream) as event_rank,
        failed_at as event_at,
        format(
            '**%s is stale**: %s; failing since %s UTC (%s failed run%s), last error: %s',
            stream_name,
            coalesce(
                'last successful sync '
                || to_char(last_success_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC',
                'no successful sync yet'
            ),
            to_char(failing_since at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
            failed_runs,
            case when failed_runs = 1 then '' else 's' end,
            left(error, 300)
        ) as markdown_line,
        jsonb_build_object(
            'type', 'stale_source', 'source', source_name, 'stream', stream,
            'last_success_at', last_success_at, 'failing_since', failing_since,
            'failed_runs', failed_runs, 'error', error, 'at', failed_at
        ) as detail
    from stale_streams

    union all

    select
        period_start,
        'late_source' as event_type,
        row_number() over (partition by period_start order by source_name, stream) as event_rank,
        checked_at as event_at,
        format(
            '**%s is late**: last successful sync %s UTC, %s min before %s (late after %s min)',
            stream_name,
            to_char(last_success_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
            minutes_since_success,
            case when checked_at < period_start + interval '4 hours' then 'now' else 'the window''s end' end,
            late_after_minutes
        ) as markdown_line,
        jsonb_build_object(
            'type', 'late_source', 'source', source_name, 'stream', stream,
            'last_success_at', last_success_at, 'minutes_since_success', minutes_since_success,
            'late_after_minutes', late_after_minutes, 'at', checked_at
        ) as detail
    from late_streams

    union all

    -- own accounts' behaviour: tilt level changes and walked exits
    select
        period_start,
        event_type,
        event_rank,
        event_at,
        markdown_line,
        detail
    from {{ ref('int_report_behaviour_events') }}
)

select period_start, event_type, event_rank, event_at, markdown_line, detail
from events
