"""Least privilege: the loaders and dbt log in as their own roles, apart from the owner.

- `tradelake_ingest` (loaders, ledger checks): SELECT/INSERT on `raw` and `ledger`; SELECT,
  INSERT, UPDATE on `ops` (cursors, sync runs, quarantine, truncations), INSERT-only on
  `ops.ledger_conflicts`, read-only on `ops.alembic_version` and `ops.archive_manifest`.
- `tradelake_dbt` (dbt): reads `ledger`, `ref`, `ops`; owns `staging`, `intermediate`, `core`,
  `marts` and every relation in them (created here if missing, taken over if they exist).
- The owner (whoever runs the migrations: `tradelake migrate`, Dagster's storage,
  `tradelake load-ref`) keeps the ledgers. Neither pipeline role is superuser, owns a ledger, or
  may set `session_replication_role` (a superuser-only parameter), so neither can disable the
  append-only triggers, drop a ledger, or UPDATE/DELETE its rows.

Roles are cluster-wide and several databases share one server (the tests clone a template
database): creating them tolerates existing roles, and every grant is per database. Tables
added by later migrations get the same grants through ALTER DEFAULT PRIVILEGES. A migrating
user that cannot create roles (no CREATEROLE) skips them with a notice; the pipeline then runs
as that user and says so once (ingestion/roles.py).

Revision ID: 0209
Revises: 0204 (runs last: its grants cover every table before it)
"""

from alembic import op

revision = "0209"
down_revision = "0204"
branch_labels = None
depends_on = None

ROLES = """
do $$
declare
    r text;
    super boolean := (select rolsuper from pg_roles where rolname = current_user);
begin
    foreach r in array array['tradelake_ingest', 'tradelake_dbt'] loop
        begin
            if not exists (select from pg_roles where rolname = r) then
                execute format('create role %I login', r);
            end if;
        exception
            when duplicate_object or unique_violation then null;  -- created meanwhile
            when insufficient_privilege then
                raise notice 'cannot create role % (needs CREATEROLE): the pipeline will run '
                             'as %', r, current_user;
                continue;
        end;
        begin
            if super then
                execute format('alter role %I login nosuperuser nocreatedb nocreaterole '
                               'noreplication nobypassrls', r);
            else
                execute format('alter role %I login', r);
            end if;
        exception when insufficient_privilege then
            raise notice 'cannot alter role % (not created by %)', r, current_user;
        end;
    end loop;
    -- A non-superuser owner must be a member of tradelake_dbt to hand it the dbt schemas and
    -- to read what dbt builds (a superuser reads everything anyway).
    if not super and exists (select from pg_roles where rolname = 'tradelake_dbt') then
        begin
            execute format('grant tradelake_dbt to %I', current_user);
        exception when insufficient_privilege then
            raise notice 'cannot grant tradelake_dbt to %: dbt schemas stay with it', current_user;
        end;
    end if;
    -- Lets the lock-timeout message name a blocking session of another user (query, state).
    if super then
        grant pg_read_all_stats to tradelake_ingest, tradelake_dbt;
    end if;
end $$;
"""

INGEST_GRANTS = """
grant usage on schema raw, ledger, ops to tradelake_ingest;
grant select, insert on all tables in schema raw, ledger to tradelake_ingest;
grant select, insert, update on all tables in schema ops to tradelake_ingest;
revoke update on ops.ledger_conflicts from tradelake_ingest;
revoke insert, update on ops.alembic_version, ops.archive_manifest from tradelake_ingest;
grant usage, select on all sequences in schema raw, ledger, ops to tradelake_ingest;
alter default privileges in schema raw, ledger grant select, insert on tables to tradelake_ingest;
alter default privileges in schema ops grant select, insert, update on tables to tradelake_ingest;
alter default privileges in schema raw, ledger, ops
    grant usage, select on sequences to tradelake_ingest;
"""

DBT_GRANTS = """
grant usage on schema ledger, ref, ops to tradelake_dbt;
grant select on all tables in schema ledger, ref, ops to tradelake_dbt;
alter default privileges in schema ledger, ref, ops grant select on tables to tradelake_dbt;
"""

# Schemas and relations dbt builds: hand them to tradelake_dbt (a database built before this
# migration has them owned by the migrating user). Sequences that belong to a table column and
# indexes follow their table.
DBT_SCHEMAS = """
do $$
declare
    s text;
    rel record;
begin
    foreach s in array array['staging', 'intermediate', 'core', 'marts'] loop
        execute format('create schema if not exists %I', s);
        begin
            execute format('alter schema %I owner to %I', s, '{owner}');
            for rel in
                select c.oid::regclass as name, c.relkind
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = s and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                  and not exists (select from pg_depend d
                                  where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                    and d.deptype in ('a', 'i')
                                    and d.refclassid = 'pg_class'::regclass)
            loop
                execute format('alter %s %s owner to %I',
                               case rel.relkind when 'v' then 'view'
                                                when 'm' then 'materialized view'
                                                when 'f' then 'foreign table'
                                                when 'S' then 'sequence'
                                                else 'table' end,
                               rel.name, '{owner}');
            end loop;
        exception when insufficient_privilege then
            raise notice 'cannot give schema % to {owner}: dbt runs as the migrating user', s;
            return;
        end;
    end loop;
end $$;
"""


def upgrade() -> None:
    op.execute(ROLES)
    # The migrating user may not have been allowed to create them: grant only to what exists.
    if _role_exists("tradelake_ingest"):
        op.execute(INGEST_GRANTS)
    if _role_exists("tradelake_dbt"):
        op.execute(DBT_GRANTS)
        op.execute(DBT_SCHEMAS.replace("{owner}", "tradelake_dbt"))


def _role_exists(role: str) -> bool:
    bind = op.get_bind()
    return bool(bind.exec_driver_sql(f"select 1 from pg_roles where rolname = '{role}'").first())


def downgrade() -> None:
    if _role_exists("tradelake_dbt"):
        op.execute(DBT_SCHEMAS.replace("{owner}", _current_user()))
        op.execute(
            """
            alter default privileges in schema ledger, ref, ops
                revoke select on tables from tradelake_dbt;
            revoke all on all tables in schema ledger, ref, ops from tradelake_dbt;
            revoke usage on schema ledger, ref, ops from tradelake_dbt;
            """
        )
    if _role_exists("tradelake_ingest"):
        op.execute(
            """
            alter default privileges in schema raw, ledger, ops
                revoke all on tables from tradelake_ingest;
            alter default privileges in schema raw, ledger, ops
                revoke all on sequences from tradelake_ingest;
            revoke all on all tables in schema raw, ledger, ops from tradelake_ingest;
            revoke all on all sequences in schema raw, ledger, ops from tradelake_ingest;
            revoke usage on schema raw, ledger, ops from tradelake_ingest;
            """
        )
    # The roles stay: they are cluster-wide and other databases on the server may use them.


def _current_user() -> str:
    return op.get_bind().exec_driver_sql("select current_user").scalar()
