"""Etherscan ledgers: tracked wallets' normal transactions and ERC-20 transfers per EVM chain.

Revision ID: 0105
Revises: 0001
Depends on: 0102 (ops.wallet_history_truncations, shared by every wallet source)
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0105"
down_revision = "0001"
branch_labels = ("etherscan",)
depends_on = "0102"

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

TABLES = f"""
create table ledger.etherscan_transactions (
    chain_id          integer not null,
    wallet            text not null,
    tx_hash           text not null,
    block_number      bigint not null,
    transaction_index integer,
    from_address      text not null,
    to_address        text,
    contract_address  text,
    direction         text not null check (direction in ('in', 'out', 'self')),
    value_wei         numeric not null check (value_wei >= 0),
    quantity          numeric not null check (quantity >= 0),
    gas_used          numeric,
    gas_price_wei     numeric,
    fee               numeric,
    is_error          text,
    receipt_status    text,
    succeeded         boolean not null,
    method_id         text,
    function_name     text,
    occurred_at       timestamptz not null,
    {STANDARD},
    unique (chain_id, wallet, tx_hash)
);
comment on table ledger.etherscan_transactions is
    'Normal transactions of tracked wallets (Etherscan V2 txlist): one row per chain, wallet, tx.';
comment on column ledger.etherscan_transactions.quantity is
    'Native coin moved, human units (value_wei / 1e18); 0 for a failed transaction.';
comment on column ledger.etherscan_transactions.fee is
    'Gas paid by the wallet in native units (gasUsed x gasPrice / 1e18); 0 when it did not send.';

create table ledger.etherscan_token_transfers (
    chain_id         integer not null,
    wallet           text not null,
    event_key        text not null,
    tx_hash          text not null,
    log_index        integer,
    block_number     bigint not null,
    from_address     text not null,
    to_address       text not null,
    contract_address text not null,
    token_symbol     text,
    token_name       text,
    token_decimal    integer not null,
    direction        text not null check (direction in ('in', 'out', 'self')),
    value_raw        numeric not null check (value_raw >= 0),
    quantity         numeric not null check (quantity >= 0),
    occurred_at      timestamptz not null,
    {STANDARD},
    unique (chain_id, wallet, event_key)
);
comment on table ledger.etherscan_token_transfers is
    'ERC-20 Transfer events of tracked wallets (Etherscan V2 tokentx), one row per log and wallet.';
comment on column ledger.etherscan_token_transfers.event_key is
    'tx hash:logIndex, or hash:contract:from:to:value:ordinal when the row has no logIndex.';
"""

LEDGERS = ("etherscan_transactions", "etherscan_token_transfers")


def upgrade() -> None:
    op.execute(TABLES)
    for table in LEDGERS:
        op.execute(f"create index on ledger.{table} (occurred_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    # Ledgers refuse TRUNCATE/DELETE; a downgrade drops them only while they are empty.
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
