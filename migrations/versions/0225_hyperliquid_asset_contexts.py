"""Hyperliquid perpetual asset contexts (issue 13: the "mids" of `markets.hyperliquid.coins`).

- `ledger.hyperliquid_asset_context_observations`: POST /info {"type": "metaAndAssetCtxs"},
  the `universe` entry and asset context of each configured coin, a row when it changed
  (observation ledger like `ledger.okx_ticker_observations`: `observed_at` is our clock; the
  answer carries no venue timestamp). Prices USDC, open interest and `day_base_vlm` in the coin,
  `day_ntl_vlm` USDC, `funding` the hourly rate as sent. `mid_px` and the impact prices are NULL
  when the venue sends null (no book on one side).

Chained and protected by `ops.protect_ledger()` (0214); BRIN arrival index like every ledger dbt
reads.

Revision ID: 0225
Revises: 0224
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0225"
down_revision = "0224"
branch_labels = None
depends_on = None

TABLE = "hyperliquid_asset_context_observations"


def upgrade() -> None:
    op.execute(
        """
create table ledger.hyperliquid_asset_context_observations (
    coin          text not null check (coin <> ''),
    mark_px       numeric not null check (mark_px > 0),
    mid_px        numeric check (mid_px > 0),
    oracle_px     numeric check (oracle_px > 0),
    funding       numeric,
    premium       numeric,
    open_interest numeric check (open_interest >= 0),
    day_ntl_vlm   numeric check (day_ntl_vlm >= 0),
    day_base_vlm  numeric check (day_base_vlm >= 0),
    prev_day_px   numeric check (prev_day_px >= 0),
    impact_bid_px numeric check (impact_bid_px > 0),
    impact_ask_px numeric check (impact_ask_px > 0),
    sz_decimals   integer check (sz_decimals >= 0),
    max_leverage  numeric check (max_leverage > 0),
    only_isolated boolean,
    is_delisted   boolean,
    observed_at   timestamptz not null,
    record_hash   text not null,
    page_id       bigint,
    loaded_at     timestamptz not null default now(),
    unique (coin, observed_at)
);
comment on table ledger.hyperliquid_asset_context_observations is
    'Perp asset contexts (info metaAndAssetCtxs) of markets.hyperliquid.coins: a row per coin '
    'whenever its context (or universe entry) changed. Prices USDC; sizes in the coin.';
comment on column ledger.hyperliquid_asset_context_observations.mid_px is
    '`midPx`: mid of the best bid and ask; NULL when the venue sends null (no book).';
comment on column ledger.hyperliquid_asset_context_observations.impact_bid_px is
    '`impactPxs[0]`: average price of a market sell of the venue''s impact notional.';
comment on column ledger.hyperliquid_asset_context_observations.impact_ask_px is
    '`impactPxs[1]`: average price of a market buy of the venue''s impact notional.';
comment on column ledger.hyperliquid_asset_context_observations.funding is
    '`funding`: the current hourly funding rate as sent (positive = longs pay shorts).';
comment on column ledger.hyperliquid_asset_context_observations.observed_at is
    'Our clock when this context was read (the answer has no venue timestamp).';
"""
    )
    op.execute(f"create index {TABLE}_loaded_at_brin on ledger.{TABLE} using brin (loaded_at)")
    op.execute(f"select ops.protect_ledger('ledger.{TABLE}')")


def downgrade() -> None:
    drop_financial_tables(f"ledger.{TABLE}")
