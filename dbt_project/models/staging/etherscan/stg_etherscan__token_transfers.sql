with source as (
    select * from {{ source('etherscan', 'etherscan_token_transfers') }}
),

renamed as (
    select
        chain_id,
        wallet,
        event_key,
        tx_hash,
        log_index,
        block_number,
        from_address,
        to_address,
        contract_address,
        token_symbol,
        token_name,
        token_decimal,
        direction,
        value_raw,
        quantity,
        occurred_at,
        loaded_at
    from source
)

select * from renamed
