"""Own OKX and Hyperliquid orders (issue 15): `ledger.okx_order_observations`,
`ledger.hyperliquid_order_observations`.

GET /api/v5/trade/orders-history (7 days) and /orders-history-archive (3 months), signed, per
`accounts.okx.inst_types`: one row per changed state of an order (observation ledger, like
ledger.kalshi_order_observations): the content hash decides, `observed_at` is our clock and
OKX's `uTime` is kept as `venue_updated_at` outside the version, so a state change under an
unchanged `uTime` is still a new row. `quantity` / `filled_quantity` are `sz` / `accFillSz` as
sent: base currency for SPOT/MARGIN, contracts for SWAP/FUTURES/OPTION (`quantity_unit`; dbt
multiplies contracts by the instrument's ctVal). `fee` positive = paid (OKX's sign in
`fee_raw`). Hyperliquid: POST /info historicalOrders per own address, the same way
(`statusTimestamp` outside the version); sizes in the coin, `remaining_quantity` = `sz`,
`filled_quantity` = `origSz` - `sz`. Chained and protected by `ops.protect_ledger()` (0214);
BRIN arrival index.

Revision ID: 0224
Revises: 0223
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0224"
down_revision = "0223"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = ("okx_order_observations", "hyperliquid_order_observations")


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.okx_order_observations (
    account            text not null,
    order_id           text not null,
    client_order_id    text,
    inst_type          text not null,
    inst_id            text not null,
    side               text not null check (side in ('buy', 'sell')),
    pos_side           text,
    order_type         text not null,
    td_mode            text,
    status             text not null
        check (status in ('resting', 'partial', 'filled', 'canceled', 'rejected', 'expired')),
    status_raw         text not null,
    price              numeric check (price > 0),
    avg_price          numeric check (avg_price >= 0),
    quantity           numeric not null check (quantity > 0),
    quantity_unit      text not null check (quantity_unit in ('base', 'contracts')),
    tgt_ccy            text,
    filled_quantity    numeric check (filled_quantity >= 0),
    remaining_quantity numeric check (remaining_quantity >= 0),
    fee                numeric,
    fee_raw            numeric,
    fee_currency       text,
    pnl                numeric,
    reduce_only        boolean,
    category           text,
    created_at         timestamptz not null,
    venue_updated_at   timestamptz,
    observed_at        timestamptz not null,
    {STANDARD},
    unique (account, order_id, observed_at)
);
comment on table ledger.okx_order_observations is
    'Own OKX orders (GET /api/v5/trade/orders-history, /orders-history-archive), one row per '
    'changed state. status mapped to resting/partial/filled/canceled (status_raw = state as '
    'sent); quantity = sz (base for SPOT/MARGIN, contracts otherwise: quantity_unit); fee '
    'positive = paid; observed_at = our clock, venue_updated_at = uTime (not part of the version).';

create table ledger.hyperliquid_order_observations (
    account            text not null,
    oid                text not null,
    cloid              text,
    coin               text not null,
    market_type        text not null check (market_type in ('perp', 'spot')),
    side               text not null check (side in ('buy', 'sell')),
    order_type         text,
    status             text not null
        check (status in ('resting', 'partial', 'filled', 'canceled', 'rejected', 'expired')),
    status_raw         text not null,
    price              numeric check (price > 0),
    quantity           numeric not null check (quantity > 0),
    filled_quantity    numeric check (filled_quantity >= 0),
    remaining_quantity numeric check (remaining_quantity >= 0),
    reduce_only        boolean,
    created_at         timestamptz not null,
    venue_updated_at   timestamptz,
    observed_at        timestamptz not null,
    {STANDARD},
    unique (account, oid, observed_at)
);
comment on table ledger.hyperliquid_order_observations is
    'Own Hyperliquid orders (POST /info historicalOrders), one row per changed state. status '
    'mapped to resting/partial/filled/canceled/rejected (status_raw as sent); sizes in the coin '
    '(quantity = origSz); observed_at = our clock, venue_updated_at = statusTimestamp (not '
    'part of the version).';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
