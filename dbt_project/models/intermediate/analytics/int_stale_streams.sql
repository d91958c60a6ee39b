-- One row per 4h report window and source stream whose last finished sync in that window failed:
-- at the end of the window (or now, for the current one) the stream's ledger is stale, holding
-- its last good data while the other sources went on (DESIGN principle 8). Same rule as the
-- Dagster check source_ok (ingestion/freshness.py).
with runs as (
    select
        sync_run_id,
        source_name,
        stream,
        started_at,
        finished_at,
        status,
        message,
        {{ report_window_start('started_at') }} as period_start
    from {{ ref('stg_ops__sync_runs') }}
    where status <> 'running'
),

last_in_window as (
    select distinct on (period_start, source_name, stream) *
    from runs
    order by period_start, source_name, stream, sync_run_id desc
),

stale as (
    select * from last_in_window
    where status = 'failed'
)

select
    stale.period_start,
    stale.source_name,
    stale.stream,
    stale.source_name || '/' || stale.stream as stream_name,
    stale.finished_at as failed_at,
    stale.message as error,
    last_success.last_success_at,
    failing.failing_since,
    failing.failed_runs
from stale
left join lateral (
    select
        max(runs.sync_run_id) as sync_run_id,
        max(runs.finished_at) as last_success_at
    from runs
    where
        runs.source_name = stale.source_name
        and runs.stream = stale.stream
        and runs.status = 'succeeded'
        and runs.sync_run_id < stale.sync_run_id
) as last_success on true
left join lateral (
    select
        min(runs.started_at) as failing_since,
        count(*) as failed_runs
    from runs
    where
        runs.source_name = stale.source_name
        and runs.stream = stale.stream
        and runs.status = 'failed'
        and runs.sync_run_id > coalesce(last_success.sync_run_id, 0)
        and runs.sync_run_id <= stale.sync_run_id
) as failing on true
