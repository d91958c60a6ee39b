with source as (
    select * from {{ source('ref', 'order_tags') }}
),

renamed as (
    select
        venue,
        order_id,
        strategy_name,
        strategy_version,
        model_name,
        model_version,
        edge_at_execution,
        confidence_at_execution,
        tagged_at,
        exit_condition,
        exit_priority
    from source
)

select * from renamed
