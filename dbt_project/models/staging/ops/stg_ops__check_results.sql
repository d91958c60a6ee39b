with source as (
    select * from {{ source('ops', 'check_results') }}
),

renamed as (
    select
        id as check_result_id,
        run_id,
        suite,
        relation,
        expectation,
        column_name,
        success,
        observed_value,
        unexpected_count,
        unexpected_sample,
        rows_validated,
        validated_through,
        checked_at
    from source
)

select * from renamed
