"""Arrival indexes: BRIN on `loaded_at` of the ledgers that feed incremental dbt models.

core.fills, core.wallet_events, core.price_history and the SCD2 histories (core.market_history,
core.game_state_history), and the marts downstream, read only the rows that arrived since their
watermark (`loaded_at >= …`). Ledgers are append-only, so `loaded_at` follows the
physical row order and a BRIN index (a few pages, whatever the table size) finds the new rows
without scanning the history.

Revision ID: 0201
Revises: 0101, 0103, 0104, 0105, 0106 (merges the source branches whose ledgers it indexes;
the Polymarket ledgers, 0102, come with 0104 and 0105, which depend on it)
"""

from alembic import op

revision = "0201"
down_revision = ("0101", "0103", "0104", "0105", "0106")
branch_labels = None
depends_on = None

LEDGERS = (
    "kalshi_fills",
    "polymarket_fills",
    "polymarket_wallet_activity",
    "okx_fills",
    "hyperliquid_fills",
    "hyperliquid_wallet_fills",
    "etherscan_transactions",
    "etherscan_token_transfers",
    "kalshi_market_observations",
    "polymarket_market_observations",
    "polymarket_price_points",
    "espn_game_observations",
)


def upgrade() -> None:
    for table in LEDGERS:
        op.execute(f"create index {table}_loaded_at_brin on ledger.{table} using brin (loaded_at)")


def downgrade() -> None:
    for table in LEDGERS:
        op.execute(f"drop index ledger.{table}_loaded_at_brin")
