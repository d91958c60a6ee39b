"""Kalshi ledgers: market observations, own fills, settlements, position and balance observations.

Revision ID: 0101
Revises: 0001
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0101"
down_revision = "0001"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

# Prices/money are numeric dollars, counts numeric contracts (fractional counts are real).
TABLES = f"""
create table ledger.kalshi_market_observations (
    ticker           text not null,
    event_ticker     text,
    series_ticker    text,
    title            text,
    yes_sub_title    text,
    no_sub_title     text,
    status           text not null check (status in ('open', 'closed', 'settled')),
    status_raw       text not null,
    yes_bid          numeric check (yes_bid between 0 and 1),
    yes_ask          numeric check (yes_ask between 0 and 1),
    no_bid           numeric check (no_bid between 0 and 1),
    no_ask           numeric check (no_ask between 0 and 1),
    last_price       numeric check (last_price between 0 and 1),
    volume           numeric check (volume >= 0),
    open_interest    numeric check (open_interest >= 0),
    result           text,
    settlement_value numeric check (settlement_value between 0 and 1),
    open_time        timestamptz,
    close_time       timestamptz,
    settled_at       timestamptz,
    observed_at      timestamptz not null,
    {STANDARD},
    unique (ticker, observed_at)
);
comment on table ledger.kalshi_market_observations is
    'One observation of a Kalshi market (both outcomes), appended when its content changes.';

create table ledger.kalshi_fills (
    account         text not null,
    fill_id         text not null,
    order_id        text,
    client_order_id text,
    ticker          text not null,
    outcome         text not null check (outcome in ('yes', 'no')),
    side            text not null check (side in ('buy', 'sell')),
    price           numeric not null check (price between 0 and 1),
    quantity        numeric not null check (quantity > 0),
    fee             numeric,
    is_taker        boolean,
    action_raw      text,
    side_raw        text,
    outcome_side    text,
    book_side       text,
    yes_price       numeric,
    no_price        numeric,
    executed_at     timestamptz not null,
    {STANDARD},
    unique (account, fill_id)
);
comment on table ledger.kalshi_fills is
    'Own Kalshi fills as the outcome bought/sold at that outcome''s price (GET /portfolio/fills).';

create table ledger.kalshi_settlements (
    account              text not null,
    ticker               text not null,
    event_ticker         text,
    result               text not null,
    yes_quantity         numeric,
    no_quantity          numeric,
    yes_cost             numeric,
    no_cost              numeric,
    revenue              numeric,
    fee                  numeric,
    yes_settlement_value numeric,
    settled_at           timestamptz not null,
    {STANDARD},
    unique (account, ticker)
);
comment on table ledger.kalshi_settlements is
    'Own settled Kalshi markets (GET /portfolio/settlements), dollars and contracts.';

create table ledger.kalshi_position_observations (
    account      text not null,
    ticker       text not null,
    outcome      text not null check (outcome in ('yes', 'no')),
    quantity     numeric not null check (quantity >= 0),
    cost         numeric,
    realized_pnl numeric,
    fees_paid    numeric,
    total_traded numeric,
    observed_at  timestamptz not null,
    {STANDARD},
    unique (account, ticker, outcome, observed_at)
);
comment on table ledger.kalshi_position_observations is
    'Observations of own Kalshi positions; quantity 0 = closed (no longer in the snapshot).';

create table ledger.kalshi_balance_observations (
    account         text not null,
    currency        text not null,
    balance         numeric not null,
    portfolio_value numeric,
    observed_at     timestamptz not null,
    {STANDARD},
    unique (account, currency, observed_at)
);
comment on table ledger.kalshi_balance_observations is
    'Observations of the Kalshi cash balance (GET /portfolio/balance), dollars.';
"""

LEDGERS = (
    "kalshi_market_observations",
    "kalshi_fills",
    "kalshi_settlements",
    "kalshi_position_observations",
    "kalshi_balance_observations",
)


def upgrade() -> None:
    op.execute(TABLES)
    for table in LEDGERS:
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in reversed(LEDGERS)))
