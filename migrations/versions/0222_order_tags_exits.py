"""ref.order_tags gains exit_condition and exit_priority (issue 15, CONTRACT §7).

An exit order is tagged by the bot with why it exits (`exit_condition`: free text such as
`take_profit`, `stop_loss`, `time_stop`) and how urgent the exit is (`exit_priority`:
`CRITICAL`/`HIGH`/`MEDIUM`/`LOW`). Both are optional: every tag written before, and every tag
of an entry order, has neither. `marts.position_exits` and `marts.exit_attempts` read them.

Adding nullable columns keeps every stored row and every view that reads the table (a view
keeps the columns it was created with; the next `dbt build` re-creates
`staging.stg_ref__order_tags` with the new ones).

Revision ID: 0222
Revises: 0220
"""

from alembic import op

revision = "0222"
down_revision = "0220"
branch_labels = None
depends_on = None

PRIORITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


def upgrade() -> None:
    allowed = ", ".join(f"'{p}'" for p in PRIORITIES)
    op.execute(
        f"""
alter table ref.order_tags
    add column exit_condition text,
    add column exit_priority  text
        constraint order_tags_exit_priority_check check (exit_priority in ({allowed}));
comment on column ref.order_tags.exit_condition is
    'Why the order exits a position, as the bot writes it (take_profit, stop_loss, ...); '
    'NULL for an entry or an untagged exit.';
comment on column ref.order_tags.exit_priority is
    'How urgent the exit is: CRITICAL, HIGH, MEDIUM or LOW; NULL when not given.';
"""
    )


def downgrade() -> None:
    # the staging view that reads the columns is dropped with them; dbt re-creates it
    op.execute(
        "alter table ref.order_tags drop column exit_priority cascade, "
        "drop column exit_condition cascade"
    )
