"""ops.report_deliveries: each 4h report POSTed to the configured webhook at most once.

One row per (report window, webhook): attempts, the last status and HTTP code, when it was
delivered. The webhook is identified by a hash of its URL (`webhook_id`): the URL is a secret and
is stored nowhere. The first row of a webhook fixes where its history starts (the latest window
already closed when it was first seen, CONTRACT §2); a failed delivery is retried in later runs,
a delivered one is never sent again.

Revision ID: 0211
Revises: 0210
"""

from alembic import op

revision = "0211"
down_revision = "0210"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
create table ops.report_deliveries (
    report_type   text not null,
    period_start  timestamptz not null,
    webhook_id    text not null,
    period_end    timestamptz not null,
    status        text not null check (status in ('delivered', 'failed')),
    attempts      integer not null default 1 check (attempts > 0),
    response_code integer,
    last_error    text,
    first_attempt_at timestamptz not null default now(),
    last_attempt_at  timestamptz not null default now(),
    delivered_at  timestamptz,
    primary key (report_type, period_start, webhook_id),
    check ((status = 'delivered') = (delivered_at is not null))
);
comment on table ops.report_deliveries is
    '4h reports POSTed to reports.webhook_url: one row per window and webhook (URL hash).';
"""
    )


def downgrade() -> None:
    op.execute("drop table ops.report_deliveries")
