"""Kalshi series and event observations (GET /series/{ticker}, GET /events).

Revision ID: 0111
Revises: 0001
Depends on: 0101 (the Kalshi market ledger the events' nested markets are loaded into)
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0111"
down_revision = "0001"
branch_labels = None
depends_on = "0101"

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

# Both are versioned reference state: one row per observed version, appended only when the
# content changes (loader observation mode). JSON columns keep the venue's nested objects as sent.
TABLES = f"""
create table ledger.kalshi_series_observations (
    series_ticker           text not null,
    title                   text,
    category                text,
    frequency               text,
    tags                    jsonb,
    settlement_sources      jsonb,
    contract_url            text,
    contract_terms_url      text,
    fee_type                text,
    fee_multiplier          numeric check (fee_multiplier >= 0),
    additional_prohibitions jsonb,
    product_metadata        jsonb,
    observed_at             timestamptz not null,
    {STANDARD},
    unique (series_ticker, observed_at)
);
comment on table ledger.kalshi_series_observations is
    'One observation of a Kalshi series (GET /series/{{ticker}}), appended when it changes.';

create table ledger.kalshi_event_observations (
    event_ticker           text not null,
    series_ticker          text,
    title                  text,
    sub_title              text,
    category               text,
    collateral_return_type text,
    mutually_exclusive     boolean,
    strike_date            timestamptz,
    strike_period          text,
    available_on_brokers   boolean,
    product_metadata       jsonb,
    observed_at            timestamptz not null,
    {STANDARD},
    unique (event_ticker, observed_at)
);
comment on table ledger.kalshi_event_observations is
    'One observation of a Kalshi event (GET /events), appended when its content changes.';
"""

LEDGERS = ("kalshi_series_observations", "kalshi_event_observations")


def upgrade() -> None:
    op.execute(TABLES)
    for table in LEDGERS:
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in reversed(LEDGERS)))
