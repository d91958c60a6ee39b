with source as (
    select * from {{ source('etherscan', 'etherscan_transactions') }}
),

renamed as (
    select
        chain_id,
        wallet,
        tx_hash,
        block_number,
        transaction_index,
        from_address,
        to_address,
        contract_address,
        direction,
        value_wei,
        quantity,
        gas_used,
        gas_price_wei,
        fee,
        succeeded,
        is_error,
        receipt_status,
        method_id,
        function_name,
        occurred_at,
        loaded_at
    from source
)

select * from renamed
