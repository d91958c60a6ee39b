"""ops.check_results: every expectation of every data-quality suite run, with its outcome.

One row per (run, suite, expectation): whether it held, the observed value and a sample of the
offending values, and the `loaded_at` up to which the suite has validated its relation (the next
run validates the rows loaded after it). The Dagster asset checks write it; the 4h report and
`tradelake` read it.

Revision ID: 0216
Revises: 0214
"""

from alembic import op

revision = "0216"
down_revision = "0214"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
create table ops.check_results (
    id                bigint generated always as identity primary key,
    run_id            text not null,
    suite             text not null,
    relation          text not null,
    expectation       text not null,
    column_name       text,
    success           boolean not null,
    observed_value    jsonb,
    unexpected_count  bigint,
    unexpected_sample jsonb,
    rows_validated    bigint not null,
    validated_through timestamptz,
    checked_at        timestamptz not null default now()
);
create index on ops.check_results (relation, checked_at);
comment on table ops.check_results is
    'Every expectation of every data-quality suite run (Great Expectations): outcome, observed '
    'value, offending sample; validated_through = the loaded_at up to which the relation was '
    'validated.';
"""
    )


def downgrade() -> None:
    op.execute("drop table ops.check_results")
