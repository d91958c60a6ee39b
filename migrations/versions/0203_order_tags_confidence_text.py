"""ref.order_tags.confidence_at_execution becomes text, as the bot writes it (CONTRACT §7).

Trading bots write `high`, `medium`, `low` (edge-trader schema) or a number; the numeric column
refused the words and the whole insert was lost. The column becomes text; every stored number is
kept as its text, which for PostgreSQL's numeric is the value with the scale it was written with
(0.70 stays `0.70`, 0.6 stays `0.6`). The new check accepts `high`/`medium`/`low` (any case, kept
as written) or a decimal number in [0, 1], as the old check did.

A database that dbt has built already holds a view that reads the column
(`staging.stg_ref__order_tags`) and the incremental `marts.trade_attribution` table that copied
it. The view is dropped (PostgreSQL cannot change the type of a column a view reads; the next
`dbt build`, i.e. the next `tradelake materialize`, re-creates it) and the mart's column is
converted in place, so its stored rows survive without a full refresh.

Revision ID: 0203
Revises: 0202
"""

from alembic import op

revision = "0203"
down_revision = "0202"
branch_labels = None
depends_on = None

# Shared with ingestion/ref_data.py (CONFIDENCE_PATTERN): a word, or a plain decimal number.
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
CHECK = rf"""
alter table ref.order_tags add constraint order_tags_confidence_at_execution_check check (
    case
        when confidence_at_execution ~ '{NUMBER}'
            then confidence_at_execution::numeric between 0 and 1
        else lower(confidence_at_execution) in ('high', 'medium', 'low')
    end
)
"""

DROP_DEPENDENT_VIEWS = """
do $$
declare v record;
begin
    for v in
        select distinct n.nspname as schema_name, c.relname as view_name
        from pg_depend d
        join pg_rewrite r on r.oid = d.objid
        join pg_class c on c.oid = r.ev_class
        join pg_namespace n on n.oid = c.relnamespace
        where d.classid = 'pg_rewrite'::regclass
          and d.refobjid = 'ref.order_tags'::regclass
          and c.oid <> 'ref.order_tags'::regclass
          and c.relkind in ('v', 'm')
    loop
        raise notice 'dropping view %.% (it reads ref.order_tags; dbt re-creates it on its next '
                     'build)', v.schema_name, v.view_name;
        execute format('drop view if exists %I.%I cascade', v.schema_name, v.view_name);
    end loop;
end $$;
"""


def _convert_mart(to_type: str) -> str:
    return f"""
do $$
begin
    if to_regclass('marts.trade_attribution') is not null and exists (
        select from information_schema.columns where table_schema = 'marts'
        and table_name = 'trade_attribution' and column_name = 'confidence_at_execution'
    ) then
        alter table marts.trade_attribution alter column confidence_at_execution
            type {to_type} using confidence_at_execution::{to_type};
    end if;
end $$;
"""


def upgrade() -> None:
    op.execute(DROP_DEPENDENT_VIEWS)
    op.execute(
        "alter table ref.order_tags drop constraint if exists "
        "order_tags_confidence_at_execution_check"
    )
    op.execute(
        "alter table ref.order_tags alter column confidence_at_execution type text "
        "using confidence_at_execution::text"
    )
    op.execute(CHECK)
    op.execute(
        "comment on column ref.order_tags.confidence_at_execution is "
        "'The bot''s confidence when it placed the order, as written: high, medium, low, "
        "or a number in [0, 1] kept as its text.'"
    )
    op.execute(_convert_mart("text"))


def downgrade() -> None:
    # Only possible while every stored value is a number: a word cannot go back to numeric,
    # and the cast then fails, leaving the column as it is (nothing is lost).
    op.execute(DROP_DEPENDENT_VIEWS)
    op.execute(
        "alter table ref.order_tags drop constraint order_tags_confidence_at_execution_check"
    )
    op.execute("comment on column ref.order_tags.confidence_at_execution is null")
    op.execute(
        "alter table ref.order_tags alter column confidence_at_execution type numeric "
        "using confidence_at_execution::numeric"
    )
    op.execute(
        "alter table ref.order_tags add constraint order_tags_confidence_at_execution_check "
        "check (confidence_at_execution between 0 and 1)"
    )
    op.execute(_convert_mart("numeric"))
