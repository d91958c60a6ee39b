"""Tracked-wallet equity, as the venues report it, and where each wallet's watch starts.

- `ledger.hyperliquid_wallet_equity`: info `clearinghouseState` of each tracked wallet with
  `hyperliquid: true`; `account_value` is `marginSummary.accountValue` (USDC), the perp account's
  equity. An observation ledger: a row only when the state differs from the wallet's previous one.
- `ledger.polymarket_wallet_value`: Data API `GET /value` of each tracked wallet with
  `polymarket: true`: the current value of its open positions (USDC). It excludes idle cash, so
  it is a lower bound of the wallet's equity (docs/sources/polymarket.md).
- `ops.tracked_wallets.watched_from`: the instant from which tradelake holds the wallet's
  history, `sync_start` when it was first tracked (a first sync backfills from there), so
  `core.wallet_events.is_first_since_watch` can tell a first trade in a market from one whose
  predecessors were never loaded.

Revision ID: 0213
Revises: 0212
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0213"
down_revision = "0212"
branch_labels = None
depends_on = None

STANDARD = """
    record_hash text not null,
    page_id     bigint,
    loaded_at   timestamptz not null default now()
"""

LEDGERS = ("hyperliquid_wallet_equity", "polymarket_wallet_value")


def upgrade() -> None:
    op.execute(
        f"""
create table ledger.hyperliquid_wallet_equity (
    wallet            text not null check (wallet ~ '^0x[0-9a-f]{{40}}$'),
    account_value     numeric not null check (account_value >= 0),
    total_ntl_pos     numeric,
    total_margin_used numeric,
    withdrawable      numeric,
    venue_time        timestamptz,
    observed_at       timestamptz not null,
    {STANDARD},
    unique (wallet, observed_at)
);
comment on table ledger.hyperliquid_wallet_equity is
    'Tracked wallets'' Hyperliquid perp account summary (info clearinghouseState), USDC; a row '
    'when it changed. venue_time = the response''s `time`; observed_at = our clock.';
comment on column ledger.hyperliquid_wallet_equity.account_value is
    'marginSummary.accountValue: the perp account''s equity in USDC (the wallet''s equity).';

create table ledger.polymarket_wallet_value (
    wallet          text not null check (wallet ~ '^0x[0-9a-f]{{40}}$'),
    positions_value numeric not null check (positions_value >= 0),
    observed_at     timestamptz not null,
    {STANDARD},
    unique (wallet, observed_at)
);
comment on table ledger.polymarket_wallet_value is
    'Tracked wallets'' Polymarket positions value (Data API GET /value), USDC; a row when it '
    'changed. Open positions only, idle cash excluded. observed_at = our clock.';

alter table ops.tracked_wallets add column watched_from timestamptz;
comment on column ops.tracked_wallets.watched_from is
    'From when tradelake holds the wallet''s history: sync_start (or the first tracking time if '
    'later) when it was first tracked. Kept when sync_start changes later.';
"""
    )
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")
        op.execute(f"select ops.protect_ledger('ledger.{table}')")


def downgrade() -> None:
    op.execute("alter table ops.tracked_wallets drop column watched_from")
    drop_financial_tables(*(f"ledger.{t}" for t in LEDGERS))
