with source as (
    select * from {{ source('ref', 'strategies') }}
),

renamed as (
    select
        strategy_name,
        strategy_version,
        strategy_type,
        config as strategy_config,
        status as strategy_status,
        created_at,
        updated_at
    from source
)

select * from renamed
