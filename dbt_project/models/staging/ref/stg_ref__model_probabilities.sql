with source as (
    select * from {{ source('ref', 'model_probabilities') }}
),

renamed as (
    select
        model_name,
        model_version,
        venue,
        market_id,
        outcome,
        probability,
        computed_at
    from source
)

select * from renamed
