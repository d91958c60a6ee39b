"""Hourly candles of the configured markets (issue 13).

- `ledger.hyperliquid_candles`: info `candleSnapshot` (interval `1h`) of each coin in
  `markets.hyperliquid.coins`. An observation ledger: one row per version of a candle as we saw
  it (`observed_at` = our clock); the still-open hour is a version (`is_closed` false) that is
  kept again when it changed or closed. Prices in USDC, `volume` in the coin (base units).

Revision ID: 0217
Revises: 0216
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0217"
down_revision = "0216"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = ("hyperliquid_candles",)


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.hyperliquid_candles (
    coin        text not null check (coin <> ''),
    interval    text not null check (interval = '1h'),
    open_time   timestamptz not null,
    close_time  timestamptz not null check (close_time > open_time),
    open        numeric not null check (open > 0),
    high        numeric not null check (high > 0),
    low         numeric not null check (low > 0 and low <= high),
    close       numeric not null check (close > 0),
    volume      numeric not null check (volume >= 0),
    trades      bigint check (trades >= 0),
    is_closed   boolean not null,
    observed_at timestamptz not null,
    {STANDARD},
    unique (coin, interval, open_time, observed_at)
);
comment on table ledger.hyperliquid_candles is
    'Hourly candles of markets.hyperliquid.coins (info candleSnapshot, interval 1h), a row per '
    'version of a candle as observed: the still-open hour is kept as seen and again once it '
    'changed or closed. Prices USDC; volume in the coin (base units); trades = `n`.';
comment on column ledger.hyperliquid_candles.close_time is
    'The candle''s last millisecond (`T`): it is closed once our clock has passed it.';
comment on column ledger.hyperliquid_candles.observed_at is
    'Our clock when this version was read (never the venue''s).';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
