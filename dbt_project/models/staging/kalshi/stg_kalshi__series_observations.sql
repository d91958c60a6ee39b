with source as (
    select * from {{ source('kalshi', 'kalshi_series_observations') }}
),

renamed as (
    select
        series_ticker,
        title,
        category,
        frequency,
        tags,
        settlement_sources,
        contract_url,
        contract_terms_url,
        fee_type,
        fee_multiplier,
        additional_prohibitions,
        product_metadata,
        observed_at,
        loaded_at
    from source
)

select * from renamed
