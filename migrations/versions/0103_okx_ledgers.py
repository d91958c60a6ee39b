"""OKX ledgers: own fills (trade/fills + trade/fills-history) and instrument observations.

Revision ID: 0103
Revises: 0001
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0103"
down_revision = "0001"
branch_labels = ("okx",)
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

# Ids are text (18-19 digit decimal strings; tradeId is negative for liquidation / ADL fills).
# `fee` follows the contract (positive = paid, negative = rebate): the venue's own sign is the
# opposite and kept as `fee_raw`. `quantity` is base currency for SPOT/MARGIN, contracts for
# SWAP/FUTURES/OPTION (quantity_unit says which).
TABLES = f"""
create table ledger.okx_fills (
    account         text not null,
    bill_id         text not null,
    trade_id        text,
    order_id        text,
    client_order_id text,
    inst_type       text not null,
    inst_id         text not null,
    side            text not null check (side in ('buy', 'sell')),
    pos_side        text,
    sub_type        text,
    exec_type       text check (exec_type in ('T', 'M')),
    is_taker        boolean,
    is_liquidation  boolean not null,
    is_adl          boolean not null,
    price           numeric not null check (price > 0),
    quantity        numeric not null check (quantity > 0),
    quantity_unit   text not null check (quantity_unit in ('base', 'contracts')),
    fee             numeric,
    fee_raw         numeric,
    fee_currency    text,
    fee_rate        numeric,
    realized_pnl    numeric,
    fill_mark_px    numeric,
    fill_idx_px     numeric,
    trade_quote_ccy text,
    tag             text,
    executed_at     timestamptz not null,
    generated_at    timestamptz,
    {STANDARD},
    unique (account, bill_id),
    check (fee is not distinct from -fee_raw)
);
comment on table ledger.okx_fills is
    'Own OKX fills (GET /api/v5/trade/fills and /fills-history), one row per (account, billId).';

create table ledger.okx_instrument_observations (
    inst_type   text not null,
    inst_id     text not null,
    inst_family text,
    uly         text,
    base_ccy    text,
    quote_ccy   text,
    settle_ccy  text,
    ct_val      numeric check (ct_val > 0),
    ct_mult     numeric,
    ct_val_ccy  text,
    ct_type     text,
    state       text,
    tick_sz     numeric,
    lot_sz      numeric,
    min_sz      numeric,
    list_time   timestamptz,
    exp_time    timestamptz,
    observed_at timestamptz not null,
    {STANDARD},
    unique (inst_type, inst_id, observed_at)
);
comment on table ledger.okx_instrument_observations is
    'Observations of OKX instruments (GET /api/v5/public/instruments): contract value, '
    'multiplier and type, appended when they change.';
"""

LEDGERS = ("okx_fills", "okx_instrument_observations")


def upgrade() -> None:
    op.execute(TABLES)
    for table in LEDGERS:
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in reversed(LEDGERS)))
