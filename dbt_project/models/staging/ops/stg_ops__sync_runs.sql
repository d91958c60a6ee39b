with source as (
    select * from {{ source('ops', 'sync_runs') }}
),

renamed as (
    select
        sync_run_id,
        source as source_name,
        stream,
        started_at,
        finished_at,
        status,
        pages,
        records,
        inserted,
        quarantined,
        conflicts,
        message
    from source
)

select * from renamed
