"""Hash-chained ledgers (issue 16, DESIGN principle 7): every row of every `ledger.*` table
carries `chain_seq` (1, 2, 3, ... per table, in commit order) and `chain_hash`:

    chain_hash(n) = hex(sha256(utf8(chain_hash(n-1) || content(n))))      chain_hash(0) = ''
    content(n)    = jsonb_strip_nulls(to_jsonb(row) - 'chain_seq' - 'chain_hash')::text
                    (TimeZone UTC; `ops.chain_content(row)`)

`content` holds the row's content hash (`record_hash`) and every other stored column, so an
edit of a column the content hash leaves out (an observation's `observed_at`, `loaded_at`,
`page_id`) breaks the chain too. Nulls are stripped so that a nullable column a later
migration adds (null in old rows) leaves old rows' content unchanged.

`ops.protect_ledger()` now also chains the table when it lives in schema `ledger`
(`ops.chain_ledger()`), so a ledger a later migration creates is chained the day it exists;
this migration chains the ledgers that exist already, backfilling their rows in insert order
as well as the table records it: `loaded_at` (the loading transaction's start), then the
physical order (`ctid`: append-only tables without UPDATE or DELETE keep rows in the order they
were written). The backfill is the one rewrite of ledger rows ever made, before any digest.

How a row is chained (a BEFORE INSERT row trigger; one generated function per table,
`ops.chain__ledger__<table>`):
- a row whose unique key is already stored is left unchained: ON CONFLICT DO NOTHING skips it
  (or the INSERT fails), and the chain must not advance for a row that is never written;
- the first chained row of a transaction locks the table's row of `ops.ledger_chain_heads`
  (FOR UPDATE, held until commit): concurrent loaders of one table queue there, and the one
  that waited reads the head the other committed, so chain order is commit order;
- the running head is kept in a transaction-local setting (no per-row UPDATE) and written to
  `ops.ledger_chain_heads` once per statement by an AFTER STATEMENT trigger.

Revision ID: 0214
Revises: 0213
"""

import sqlalchemy as sa
from alembic import op

from migrations.financial import refuse_if_rows

revision = "0214"
down_revision = "0213"
branch_labels = None
depends_on = None

HEADS = """
create table ops.ledger_chain_heads (
    table_name text primary key,
    chain_seq  bigint not null default 0,
    chain_hash text not null default '',
    updated_at timestamptz not null default now()
);
create table ops.chain_identity (
    database_id text primary key default gen_random_uuid()::text,
    created_at  timestamptz not null default now()
);
insert into ops.chain_identity default values;
comment on table ops.chain_identity is
    'This database''s id, written into every digest: `tradelake verify` refuses (exit 2) digests '
    'of another database rather than ignore them, so changing this id hides nothing.';
comment on table ops.ledger_chain_heads is
    'Head (last chain_seq, chain_hash) of each ledger''s hash chain, as the insert trigger left '
    'it; a cache for the trigger, never trusted by `tradelake verify`, which recomputes the '
    'chains and compares them with the digests kept outside the database.';
"""

CHAIN = r"""
-- A row's content as the chain hashes it, in the settings its text depends on (timestamps are
-- written with the session's offset). The SET clause is here, not on the trigger function,
-- where it would undo the trigger's transaction-local running head at each return. The trigger
-- skips this call (~6 us a row) when the session already has these settings.
create or replace function ops.chain_content(r anyelement) returns text
language plpgsql stable
set timezone = 'UTC' set extra_float_digits = 1 set intervalstyle = 'postgres' as $$
begin
    return jsonb_strip_nulls(to_jsonb(r) - 'chain_seq' - 'chain_hash')::text;
end $$;

-- The per-table trigger function: generated, so that the "is this key already stored" test is
-- a planned index lookup on the table's own unique keys (no dynamic SQL per row).
create or replace function ops.chain_ledger(tbl regclass) returns void language plpgsql as $$
declare
    rel text := tbl::text;
    fn text := format('ops.%I', 'chain__' || replace(rel, '.', '__'));
    guc text := 'tradelake.chain_' || tbl::oid;
    stored text;
begin
    execute format('alter table %s add column if not exists chain_seq bigint, '
                   'add column if not exists chain_hash text', tbl);
    execute format('create unique index if not exists %I on %s (chain_seq)',
                   (select relname from pg_class where oid = tbl) || '_chain_seq', tbl);
    insert into ops.ledger_chain_heads (table_name) values (rel) on conflict do nothing;
    select coalesce(string_agg(format('exists (select from %s as s where %s)', tbl, cond), ' or '),
                    'false')
    into stored
    from (
        select string_agg(format('s.%I = new.%I', a.attname, a.attname), ' and ') as cond
        from pg_index i
        cross join lateral unnest(i.indkey) as k(attnum)
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = tbl and i.indisunique and i.indpred is null and i.indexprs is null
          and a.attname <> 'chain_seq'
        group by i.indexrelid
    ) as keys;
    execute format($f$
create or replace function %1$s() returns trigger language plpgsql as $body$
declare
    _chain_head text := current_setting(%2$L, true);
    _chain_seq bigint;
    _chain_prev text;
    _chain_content text;
begin
    if %3$s then
        return new;  -- a stored key: never written (ON CONFLICT skips it, or the insert fails)
    end if;
    if coalesce(_chain_head, '') = '' then
        select h.chain_seq, h.chain_hash into _chain_seq, _chain_prev
        from ops.ledger_chain_heads as h where h.table_name = %4$L for update;
    else
        _chain_seq := split_part(_chain_head, ':', 1)::bigint;
        _chain_prev := split_part(_chain_head, ':', 2);
    end if;
    if current_setting('TimeZone') in ('UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Etc/UCT')
       and current_setting('extra_float_digits') = '1'
       and current_setting('IntervalStyle') = 'postgres' then
        _chain_content := jsonb_strip_nulls(to_jsonb(new) - 'chain_seq' - 'chain_hash')::text;
    else
        _chain_content := ops.chain_content(new);
    end if;
    new.chain_hash := encode(sha256(convert_to(_chain_prev || _chain_content, 'UTF8')), 'hex');
    new.chain_seq := _chain_seq + 1;
    perform set_config(%2$L, new.chain_seq || ':' || new.chain_hash, true);
    return new;
end $body$;
$f$, fn, guc, stored, rel);
    execute format($f$
create or replace function %1$s_head() returns trigger language plpgsql as $body$
declare
    _chain_head text := current_setting(%2$L, true);
begin
    if coalesce(_chain_head, '') <> '' then
        update ops.ledger_chain_heads
        set chain_seq = split_part(_chain_head, ':', 1)::bigint,
            chain_hash = split_part(_chain_head, ':', 2), updated_at = now()
        where table_name = %3$L;
    end if;
    return null;
end $body$;
$f$, fn, guc, rel);
    -- "zz": row triggers fire in name order, and the chain must see the row as it is stored
    execute format('create trigger zz_chain before insert on %s for each row '
                   'execute function %s()', tbl, fn);
    execute format('create trigger zz_chain_head after insert on %s for each statement '
                   'execute function %s_head()', tbl, fn);
end $$;

-- Chains the rows a table already holds, in insert order (loaded_at, then physical order).
create or replace function ops.backfill_ledger_chain(tbl regclass) returns bigint
language plpgsql as $$
declare
    r record;
    seq bigint := 0;
    prev text := '';
begin
    execute format('alter table %s disable trigger refuse_update_delete', tbl);
    for r in execute format(
        'select ctid, ops.chain_content(t) as content from %s as t order by loaded_at, ctid',
        tbl)
    loop
        seq := seq + 1;
        prev := encode(sha256(convert_to(prev || r.content, 'UTF8')), 'hex');
        execute format('update %s set chain_seq = $1, chain_hash = $2 where ctid = $3', tbl)
            using seq, prev, r.ctid;
    end loop;
    execute format('alter table %s enable trigger refuse_update_delete', tbl);
    update ops.ledger_chain_heads set chain_seq = seq, chain_hash = prev, updated_at = now()
    where table_name = tbl::text;
    return seq;
end $$;
"""

PROTECT = """
create or replace function ops.protect_ledger(tbl regclass) returns void language plpgsql as $$
begin
    execute format('create trigger refuse_update_delete before update or delete on %s '
                   'for each row execute function ops.refuse_mutation()', tbl);
    execute format('create trigger refuse_truncate before truncate on %s '
                   'for each statement execute function ops.refuse_mutation()', tbl);
    execute format('revoke update, delete, truncate on %s from public', tbl);
    if exists (select from pg_roles where rolname = 'tradelake_ingest') then
        execute format('grant select, insert on %s to tradelake_ingest', tbl);
        execute format('revoke update, delete, truncate on %s from tradelake_ingest', tbl);
    end if;
    if (select relnamespace = 'ledger'::regnamespace from pg_class where oid = tbl) then
        perform ops.chain_ledger(tbl);  -- hash chain + head (0214)
    end if;
end $$;
"""

PROTECT_0001 = PROTECT.replace(
    """    if (select relnamespace = 'ledger'::regnamespace from pg_class where oid = tbl) then
        perform ops.chain_ledger(tbl);  -- hash chain + head (0214)
    end if;
""",
    "",
)

LEDGERS = """
select c.oid::regclass::text from pg_class c
where c.relnamespace = 'ledger'::regnamespace and c.relkind = 'r' order by 1
"""


def _ledgers() -> list[str]:
    return list(op.get_bind().execute(sa.text(LEDGERS)).scalars())


def upgrade() -> None:
    op.execute(HEADS)
    op.execute(CHAIN)
    op.execute(PROTECT)
    for table in _ledgers():
        op.execute(f"select ops.chain_ledger('{table}')")
        op.execute(f"select ops.backfill_ledger_chain('{table}')")
    op.execute(
        """
do $$
begin
    if exists (select from pg_roles where rolname = 'tradelake_ingest') then
        grant select, update on ops.ledger_chain_heads to tradelake_ingest;
    end if;
end $$;
"""
    )


def downgrade() -> None:
    # The chain columns are part of each ledger's record: refuse while any ledger holds a row.
    tables = _ledgers()
    if tables:
        refuse_if_rows(*tables)
    for table in tables:
        fn = "ops.chain__" + table.replace(".", "__")
        op.execute(f"drop trigger if exists zz_chain on {table}")
        op.execute(f"drop trigger if exists zz_chain_head on {table}")
        op.execute(f"drop function if exists {fn}(), {fn}_head()")
        op.execute(f"alter table {table} drop column if exists chain_seq")
        op.execute(f"alter table {table} drop column if exists chain_hash")
    op.execute(PROTECT_0001)
    op.execute("drop function ops.backfill_ledger_chain(regclass)")
    op.execute("drop function ops.chain_ledger(regclass)")
    op.execute("drop function ops.chain_content(anyelement)")
    op.execute("drop table ops.ledger_chain_heads")
    op.execute("drop table ops.chain_identity")
