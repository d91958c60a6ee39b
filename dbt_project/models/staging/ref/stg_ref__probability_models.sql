with source as (
    select * from {{ source('ref', 'probability_models') }}
),

renamed as (
    select
        model_name,
        model_version,
        model_type,
        config as model_config,
        status as model_status,
        created_at,
        updated_at
    from source
)

select * from renamed
