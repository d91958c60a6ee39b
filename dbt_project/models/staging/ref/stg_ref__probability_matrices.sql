with source as (
    select * from {{ source('ref', 'probability_matrices') }}
),

renamed as (
    select
        category,
        subcategory,
        version as matrix_version,
        state_descriptor,
        value_bucket,
        situational_factors,
        win_probability,
        sample_size,
        created_at
    from source
)

select * from renamed
