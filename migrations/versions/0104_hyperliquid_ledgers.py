"""Hyperliquid ledgers: own fills and tracked-wallet fills (userFillsByTime).

Revision ID: 0104
Revises: 0001
Depends on: 0102 (ops.wallet_history_truncations, shared by every wallet source)
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0104"
down_revision = "0001"
branch_labels = ("hyperliquid",)
depends_on = "0102"

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

# One shape for both tables. Ids (tid, oid, twap_id) are text: tid exceeds 2^53. Amounts are
# numeric as sent (decimal strings). `fee` is the total fee, builder fee included; `builder_fee`
# is the builder's part of it (see ingestion/hyperliquid/normalize.py).
COLUMNS = f"""
    tid                 text not null,
    oid                 text,
    cloid               text,
    tx_hash             text,
    coin                text not null,
    symbol              text not null,
    market_type         text not null check (market_type in ('perp', 'spot')),
    side                text not null check (side in ('buy', 'sell')),
    side_raw            text not null check (side_raw in ('B', 'A')),
    price               numeric not null check (price > 0),
    size                numeric not null check (size > 0),
    start_position      numeric,
    dir                 text,
    closed_pnl          numeric,
    fee                 numeric,
    fee_token           text,
    builder_fee         numeric,
    is_taker            boolean,
    twap_id             text,
    is_liquidation      boolean not null default false,
    liquidation_method  text,
    liquidation_mark_px numeric,
    liquidated_user     text,
    executed_at         timestamptz not null,
    {STANDARD}
"""

TABLES = f"""
create table ledger.hyperliquid_fills (
    account text not null,
    {COLUMNS},
    unique (account, tid)
);
comment on table ledger.hyperliquid_fills is
    'Own Hyperliquid fills (info userFillsByTime), one row per (account, tid).';

create table ledger.hyperliquid_wallet_fills (
    wallet text not null,
    {COLUMNS},
    unique (wallet, tid)
);
comment on table ledger.hyperliquid_wallet_fills is
    'Tracked wallets'' Hyperliquid fills (info userFillsByTime), one row per (wallet, tid).';
"""

LEDGERS = ("hyperliquid_fills", "hyperliquid_wallet_fills")


def upgrade() -> None:
    op.execute(TABLES)
    for table in LEDGERS:
        op.execute(
            f"comment on column ledger.{table}.fee is "
            "'Total fee in fee_token, builder fee included; negative = rebate'"
        )
        op.execute(f"create index on ledger.{table} (executed_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    # Ledgers refuse TRUNCATE/DELETE; a downgrade drops them only while they are empty.
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
