"""ops.schema_drift: what the venues' answers showed that the wire models did not expect.

One row per (source, stream, field, change) - not per record: `first_seen_at` and `page_id`
(raw.pages) of the first sighting, `last_seen_at`/`last_page_id`/`seen_count` of the later
ones. `change` is `added` (an undeclared field: warns), `missing` (a required field gone),
`returned` (a removed field back), `type_changed` or `unit` (a unit heuristic tripped): those
block the stream (`is_blocking`) until an operator sets `cleared_at` (ingestion/drift.py,
docs/reliability.md). Written by the loaders (tradelake_ingest: the default privileges of 0209
give it SELECT/INSERT/UPDATE on ops tables, tradelake_dbt SELECT).

Revision ID: 0218
Revises: 0217
"""

from alembic import op

revision = "0218"
down_revision = "0217"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
create table ops.schema_drift (
    id            bigint generated always as identity primary key,
    source        text not null,
    stream        text not null,
    field         text not null,
    change        text not null
        check (change in ('added', 'missing', 'returned', 'type_changed', 'unit')),
    is_blocking   boolean not null,
    detail        text not null,
    page_id       bigint,
    last_page_id  bigint,
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    seen_count    bigint not null default 1,
    cleared_at    timestamptz,
    unique (source, stream, field, change)
);
comment on table ops.schema_drift is
    'Schema and unit drift of the venues'' answers, once per (source, stream, field, change): '
    'first and last sighting with their raw.pages ids; blocking rows stop the stream until '
    'cleared_at is set.';
"""
    )


def downgrade() -> None:
    op.execute("drop table ops.schema_drift")
