"""Own Kalshi orders (issue 15): `ledger.kalshi_order_observations`.

GET /portfolio/orders (and /historical/orders past the cutoff): one row per changed state of an
order (observation ledger, like markets): the content hash decides, `observed_at` is our clock
and the venue's `last_update_time` is kept as `venue_updated_at` outside the version, so a
resting order canceled without its `last_update_time` moving is still a new row. Prices and
money are numeric dollars, counts numeric contracts. Chained and protected by
`ops.protect_ledger()` (0214); BRIN arrival index like every ledger dbt reads incrementally.

Revision ID: 0219
Revises: 0218
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0219"
down_revision = "0218"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = ("kalshi_order_observations",)


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.kalshi_order_observations (
    account            text not null,
    order_id           text not null,
    client_order_id    text,
    ticker             text not null,
    outcome            text not null check (outcome in ('yes', 'no')),
    side               text not null check (side in ('buy', 'sell')),
    order_type         text not null,
    status             text not null
        check (status in ('resting', 'partial', 'filled', 'canceled', 'rejected', 'expired')),
    status_raw         text not null,
    price              numeric check (price between 0 and 1),
    quantity           numeric not null check (quantity > 0),
    filled_quantity    numeric check (filled_quantity >= 0),
    remaining_quantity numeric check (remaining_quantity >= 0),
    fees               numeric,
    fill_cost          numeric,
    action_raw         text,
    side_raw           text,
    outcome_side       text,
    book_side          text,
    yes_price          numeric check (yes_price between 0 and 1),
    no_price           numeric check (no_price between 0 and 1),
    expires_at         timestamptz,
    created_at         timestamptz not null,
    venue_updated_at   timestamptz,
    observed_at        timestamptz not null,
    {STANDARD},
    unique (account, order_id, observed_at)
);
comment on table ledger.kalshi_order_observations is
    'Own Kalshi orders (GET /portfolio/orders, /historical/orders), one row per changed state. '
    'status mapped to resting/partial/filled/canceled (status_raw as sent); price = limit price '
    'of the outcome, dollars; counts in contracts; observed_at = our clock, venue_updated_at = '
    'last_update_time (not part of the version).';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
