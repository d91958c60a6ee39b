"""Polymarket ledgers (markets, prices, own fills, tracked-wallet activity) and
ops.wallet_history_truncations (shared with the Hyperliquid/EVM wallet syncs).

Revision ID: 0102
Revises: 0001
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0102"
down_revision = "0001"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

TABLES = f"""
create table ledger.polymarket_market_observations (
    condition_id     text not null,
    outcome          text not null,
    outcome_label    text not null,
    outcome_index    integer not null,
    token_id         text not null,
    gamma_market_id  text,
    market_slug      text,
    event_slug       text,
    title            text,
    status           text not null check (status in ('open', 'closed', 'settled')),
    status_raw       text,
    price            numeric,
    bid              numeric,
    ask              numeric,
    volume           numeric,
    result           text,
    settlement_value numeric,
    start_time       timestamptz,
    close_time       timestamptz,
    observed_at      timestamptz not null,
    {STANDARD},
    unique (condition_id, outcome, observed_at)
);
comment on table ledger.polymarket_market_observations is
    'Gamma market state per outcome, appended when it changes (one row per outcome version).';

create table ledger.polymarket_price_points (
    condition_id text not null,
    outcome      text not null,
    token_id     text not null,
    ts           timestamptz not null,
    price        numeric not null,
    {STANDARD},
    unique (token_id, ts)
);
comment on table ledger.polymarket_price_points is 'CLOB /prices-history points per outcome token.';

create table ledger.polymarket_fills (
    account       text not null,
    fill_id       text not null,
    tx_hash       text not null,
    condition_id  text,
    token_id      text not null,
    outcome_label text,
    outcome_index integer,
    side          text not null check (side in ('buy', 'sell')),
    price         numeric not null,
    size          numeric not null,
    notional      numeric not null,
    title         text,
    event_slug    text,
    executed_at   timestamptz not null,
    {STANDARD},
    unique (account, fill_id)
);
comment on table ledger.polymarket_fills is
    'Own trades (Data API /trades, takerOnly=false: maker fills included).';

create table ledger.polymarket_wallet_activity (
    wallet        text not null,
    event_key     text not null,
    activity_type text not null,
    tx_hash       text,
    condition_id  text,
    asset         text,
    outcome_label text,
    outcome_index integer,
    side          text,
    size          numeric,
    usdc_size     numeric,
    price         numeric,
    title         text,
    event_slug    text,
    seen_via      text not null,
    occurred_at   timestamptz not null,
    {STANDARD},
    unique (wallet, event_key)
);
comment on table ledger.polymarket_wallet_activity is
    'Tracked-wallet activity from /activity and /trades, one row per activity (event_key).';
comment on column ledger.polymarket_wallet_activity.event_key is
    'sha256 of the fields both endpoints report identically; see ingestion/polymarket/normalize.py';

create table if not exists ops.wallet_history_truncations (
    source            text not null,
    wallet            text not null,
    stream            text not null,
    reason            text not null,
    oldest_reached_at timestamptz,
    detected_at       timestamptz not null default now(),
    primary key (source, wallet, stream)
);
comment on table ops.wallet_history_truncations is
    'A tracked wallet whose history the venue would not serve completely (limit hit): '
    'its events before/around oldest_reached_at may be missing.';
"""

LEDGERS = (
    "polymarket_market_observations",
    "polymarket_price_points",
    "polymarket_fills",
    "polymarket_wallet_activity",
)


def upgrade() -> None:
    op.execute(TABLES)
    op.execute("create index on ledger.polymarket_market_observations (token_id)")
    op.execute("create index on ledger.polymarket_wallet_activity (occurred_at)")
    for table in LEDGERS:
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    # Ledgers refuse TRUNCATE/DELETE; a downgrade drops them only while they are empty.
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
    op.execute("drop table if exists ops.wallet_history_truncations")
