"""State observations keyed on our observation time; the venue's own clock kept beside it.

Kalshi's market, position and balance observations used the venue's "updated" timestamp
(`updated_time`, `last_updated_ts`, `updated_ts`) as `observed_at`, the time half of their
natural key. Kalshi does not always move it: a market that settled with an unchanged
`updated_time` collided with the stored version and was dropped without a trace. From this
revision the loader writes the sync's own clock into `observed_at` and the venue's timestamp
into the new `venue_updated_at` column (CONTRACT §4: a state observation is kept whenever its
content changes). Rows written before it keep the venue time in `observed_at` and have a NULL
`venue_updated_at`: ledgers are append-only, so they are not rewritten.

Revision ID: 0202
Revises: 0201
"""

from alembic import op

from migrations.financial import drop_financial_column

revision = "0202"
down_revision = "0201"
branch_labels = None
depends_on = None

TABLES = (
    "kalshi_market_observations",
    "kalshi_position_observations",
    "kalshi_balance_observations",
)


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"alter table ledger.{table} add column venue_updated_at timestamptz")
        op.execute(
            f"comment on column ledger.{table}.venue_updated_at is "
            "'The venue''s own last-update timestamp, as reported; not part of the key "
            "(observed_at is the sync''s clock). NULL for rows loaded before revision 0202.'"
        )


def downgrade() -> None:
    drop_financial_column([f"ledger.{t}" for t in TABLES], "venue_updated_at")
