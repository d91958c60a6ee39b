"""OKX market data and account state (issue 13, OKX half).

- `ledger.okx_candles`: GET /api/v5/market/candles and /market/history-candles (bar `1H`) of
  `markets.okx.instruments`, a row per version of a candle as observed: the still-open hour
  (`confirm` "0") is kept as seen and again once it changed or closed. `vol`, `volCcy` and
  `volCcyQuote` exactly as sent; `volume` is the base-currency volume (`vol` for SPOT/MARGIN,
  `volCcy` for derivatives, whose `vol` counts contracts).
- `ledger.okx_ticker_observations`: GET /api/v5/market/ticker, a row when the ticker changed.
- `ledger.okx_position_observations`: GET /api/v5/account/positions (signed), a row when a
  position changed (`uTime` is content, never the version key).
- `ledger.okx_balance_observations`: GET /api/v5/account/balance `details[]`, a row per
  currency when it changed.
- `ledger.okx_funding_bills`: GET /api/v5/account/bills(-archive) type 8 (funding fee), one row
  per billId; `amount` positive when the account paid.

Revision ID: 0220
Revises: 0219
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0220"
down_revision = "0219"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = (
    "okx_candles",
    "okx_ticker_observations",
    "okx_position_observations",
    "okx_balance_observations",
    "okx_funding_bills",
)


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.okx_candles (
    inst_id       text not null check (inst_id <> ''),
    inst_type     text not null,
    bar           text not null check (bar = '1H'),
    open_time     timestamptz not null,
    open          numeric not null check (open > 0),
    high          numeric not null check (high > 0),
    low           numeric not null check (low > 0 and low <= high),
    close         numeric not null check (close > 0),
    vol           numeric not null check (vol >= 0),
    vol_ccy       numeric check (vol_ccy >= 0),
    vol_ccy_quote numeric check (vol_ccy_quote >= 0),
    volume        numeric not null check (volume >= 0),
    is_closed     boolean not null,
    observed_at   timestamptz not null,
    {STANDARD},
    unique (inst_id, bar, open_time, observed_at)
);
comment on table ledger.okx_candles is
    'Hourly candles of markets.okx.instruments (GET /api/v5/market/candles and '
    '/market/history-candles, bar 1H), a row per version of a candle as observed: the '
    'still-open hour (confirm 0) is kept as seen and again once it changed or closed.';
comment on column ledger.okx_candles.vol is
    'OKX `vol`: contracts for SWAP/FUTURES/OPTION, base currency for SPOT/MARGIN.';
comment on column ledger.okx_candles.vol_ccy is
    'OKX `volCcy`: base currency for derivatives, quote currency for SPOT/MARGIN.';
comment on column ledger.okx_candles.vol_ccy_quote is
    'OKX `volCcyQuote`: quote currency (USDT for BTC-USDT and BTC-USDT-SWAP, USD for '
    'BTC-USD-SWAP).';
comment on column ledger.okx_candles.volume is
    'Base-currency volume: `vol` for SPOT/MARGIN, `volCcy` for derivatives.';
comment on column ledger.okx_candles.is_closed is 'OKX `confirm` = 1 (the K line is completed).';

create table ledger.okx_ticker_observations (
    inst_id          text not null check (inst_id <> ''),
    inst_type        text,
    last             numeric check (last > 0),
    last_sz          numeric check (last_sz >= 0),
    bid_px           numeric check (bid_px > 0),
    bid_sz           numeric check (bid_sz >= 0),
    ask_px           numeric check (ask_px > 0),
    ask_sz           numeric check (ask_sz >= 0),
    open_24h         numeric,
    high_24h         numeric,
    low_24h          numeric,
    vol_24h          numeric,
    vol_ccy_24h      numeric,
    sod_utc0         numeric,
    sod_utc8         numeric,
    venue_updated_at timestamptz,
    observed_at      timestamptz not null,
    {STANDARD},
    unique (inst_id, observed_at)
);
comment on table ledger.okx_ticker_observations is
    'GET /api/v5/market/ticker of markets.okx.instruments: a row when the ticker changed '
    '(venue_updated_at = `ts`, not part of the version).';

create table ledger.okx_position_observations (
    account          text not null,
    inst_id          text not null check (inst_id <> ''),
    inst_type        text not null,
    mgn_mode         text not null,
    pos_side         text not null check (pos_side in ('long', 'short', 'net')),
    pos_id           text,
    pos              numeric not null,
    pos_ccy          text,
    ccy              text,
    avg_px           numeric,
    mark_px          numeric,
    upl              numeric,
    upl_ratio        numeric,
    lever            numeric,
    liq_px           numeric,
    imr              numeric,
    margin           numeric,
    mmr              numeric,
    notional_usd     numeric,
    realized_pnl     numeric,
    pnl              numeric,
    fee              numeric,
    funding_fee      numeric,
    venue_created_at timestamptz,
    venue_updated_at timestamptz,
    observed_at      timestamptz not null,
    {STANDARD},
    unique (account, inst_id, mgn_mode, pos_side, observed_at)
);
comment on table ledger.okx_position_observations is
    'GET /api/v5/account/positions: a row per position (account, instId, mgnMode, posSide) '
    'whenever its state changed, even with `uTime` unchanged; a position a later complete '
    'snapshot no longer lists gets a closing row with pos 0. OKX signs kept: fee and '
    'fundingFee negative = charged.';

create table ledger.okx_balance_observations (
    account          text not null,
    currency         text not null check (currency <> ''),
    cash_bal         numeric,
    eq               numeric,
    eq_usd           numeric,
    upl              numeric,
    avail_bal        numeric,
    frozen_bal       numeric,
    total_eq         numeric,
    venue_updated_at timestamptz,
    observed_at      timestamptz not null,
    {STANDARD},
    unique (account, currency, observed_at)
);
comment on table ledger.okx_balance_observations is
    'GET /api/v5/account/balance details[]: a row per currency whenever it changed; total_eq '
    'is the account''s total equity in USD at that observation.';

create table ledger.okx_funding_bills (
    account   text not null,
    bill_id   text not null check (bill_id <> ''),
    inst_type text,
    inst_id   text,
    currency  text,
    bill_type text not null check (bill_type = '8'),
    sub_type  text,
    bal_chg   numeric,
    pnl       numeric,
    bal       numeric,
    sz        numeric,
    px        numeric,
    mgn_mode  text,
    amount    numeric not null,
    paid_at   timestamptz not null,
    {STANDARD},
    unique (account, bill_id)
);
comment on table ledger.okx_funding_bills is
    'Funding-fee bills (type 8) of GET /api/v5/account/bills and /bills-archive, one row per '
    'billId. bal_chg/pnl as OKX sends them (negative = paid); amount positive when paid.';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
