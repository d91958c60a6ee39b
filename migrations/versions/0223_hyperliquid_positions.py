"""Own Hyperliquid perpetual positions, account equity and funding (issue 13).

- `ledger.hyperliquid_position_observations`: clearinghouseState `assetPositions` of each own
  address, a row per changed state of a position (observation ledger, `observed_at` our clock,
  the venue's `time` kept as `venue_time` outside the version); `szi` signed size in the coin
  (negative = short, 0 = closed: absent from a later answer); prices and money USDC.
- `ledger.hyperliquid_account_observations`: the same answer's `marginSummary` (accountValue =
  equity, USDC) and `withdrawable`, a row when it changed.
- `ledger.hyperliquid_funding`: userFunding payments, one per (account, coin, paid_at); `usdc`
  as the venue sends it (negative = the account paid).

Chained and protected by `ops.protect_ledger()` (0214); BRIN arrival index on each (dbt reads
them incrementally).

Revision ID: 0223
Revises: 0222
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0223"
down_revision = "0222"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = (
    "hyperliquid_position_observations",
    "hyperliquid_account_observations",
    "hyperliquid_funding",
)


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.hyperliquid_position_observations (
    account                  text not null check (account ~ '^0x[0-9a-f]{{40}}$'),
    coin                     text not null check (coin <> ''),
    szi                      numeric not null,
    entry_px                 numeric check (entry_px > 0),
    position_value           numeric check (position_value >= 0),
    unrealized_pnl           numeric,
    leverage_type            text,
    leverage                 numeric check (leverage > 0),
    liquidation_px           numeric check (liquidation_px >= 0),
    margin_used              numeric check (margin_used >= 0),
    cum_funding_all_time     numeric,
    cum_funding_since_open   numeric,
    cum_funding_since_change numeric,
    venue_time               timestamptz,
    observed_at              timestamptz not null,
    {STANDARD},
    unique (account, coin, observed_at)
);
comment on table ledger.hyperliquid_position_observations is
    'Own perpetual positions (info clearinghouseState assetPositions[].position), a row per '
    'changed state; a position absent from a later answer is recorded with szi 0 (closed). '
    'Prices and money USDC; sizes in the coin.';
comment on column ledger.hyperliquid_position_observations.szi is
    'Signed size in the coin as sent (`szi`): positive long, negative short, 0 closed.';
comment on column ledger.hyperliquid_position_observations.cum_funding_since_open is
    '`cumFunding.sinceOpen`, USDC, positive = funding the account paid on this position.';
comment on column ledger.hyperliquid_position_observations.observed_at is
    'Our clock when this state was read (never the venue''s).';

create table ledger.hyperliquid_account_observations (
    account           text not null check (account ~ '^0x[0-9a-f]{{40}}$'),
    account_value     numeric not null check (account_value >= 0),
    unrealized_pnl    numeric,
    total_ntl_pos     numeric,
    total_margin_used numeric,
    withdrawable      numeric,
    venue_time        timestamptz,
    observed_at       timestamptz not null,
    {STANDARD},
    unique (account, observed_at)
);
comment on table ledger.hyperliquid_account_observations is
    'Own perp account summary (clearinghouseState marginSummary), a row when it changed: '
    'account_value = equity (collateral + unrealized PnL), withdrawable = free cash; USDC.';
comment on column ledger.hyperliquid_account_observations.unrealized_pnl is
    'Sum of unrealizedPnl of the positions in the same answer (0 with none; NULL when one was '
    'unreadable): account_value less it is the collateral.';

create table ledger.hyperliquid_funding (
    account      text not null check (account ~ '^0x[0-9a-f]{{40}}$'),
    coin         text not null check (coin <> ''),
    paid_at      timestamptz not null,
    usdc         numeric not null,
    szi          numeric,
    funding_rate numeric,
    n_samples    bigint,
    tx_hash      text,
    {STANDARD},
    unique (account, coin, paid_at)
);
comment on table ledger.hyperliquid_funding is
    'Own funding payments (info userFunding), one per account, coin and time. usdc as sent: '
    'negative = the account paid; szi the signed size charged; funding_rate hourly.';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
