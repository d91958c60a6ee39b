"""ops.tracked_wallets: the `wallets:` of tradelake.yaml as the database sees them.

dbt cannot read tradelake.yaml; core.wallets needs each tracked wallet's label, tags and sources.
The Dagster asset ops/tracked_wallets writes one row per configured address on every run
(label, tags and sources as configured now; `first_tracked_at` kept from the first time the
address was seen, `untracked_at` set when it leaves the file and cleared if it comes back).

Revision ID: 0212
Revises: 0211
"""

from alembic import op

revision = "0212"
down_revision = "0211"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
create table ops.tracked_wallets (
    address          text primary key check (address ~ '^0x[0-9a-f]{40}$'),
    label            text,
    tags             text[] not null default '{}',
    sources          text[] not null default '{}',
    first_tracked_at timestamptz not null default now(),
    untracked_at     timestamptz,
    updated_at       timestamptz not null default now()
);
comment on table ops.tracked_wallets is
    'Tracked wallets as configured in tradelake.yaml (wallets:), one row per address.';
"""
    )


def downgrade() -> None:
    op.execute("drop table ops.tracked_wallets")
