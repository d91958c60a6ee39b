"""Foundation: raw landing, ops (quarantine, cursors, runs, conflicts), ref, the ledger guard.

Revision ID: 0001
Revises:
"""

from alembic import op

from migrations.financial import drop_financial_tables, refuse_if_rows

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GUARD = """
create or replace function ops.refuse_mutation() returns trigger language plpgsql as $$
begin
    raise exception '% on %.% is refused: this table is append-only (ledger rule)',
        tg_op, tg_table_schema, tg_table_name
        using errcode = 'insufficient_privilege',
              hint = 'append a new record instead; corrections are new rows';
end $$;

-- Called by every migration that creates a ledger table: triggers refuse UPDATE, DELETE and
-- TRUNCATE whoever asks (even the owner), and the grants say the same for ordinary roles.
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
end $$;

-- ref versions: a (name, version) row may change its status, never its config.
create or replace function ops.refuse_version_rewrite() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'deleting a version from %.% is refused: versions are immutable',
            tg_table_schema, tg_table_name using errcode = 'insufficient_privilege';
    end if;
    if (to_jsonb(new) - 'status' - 'updated_at') is distinct from
       (to_jsonb(old) - 'status' - 'updated_at') then
        raise exception 'only status may change on %.%: write a new version instead',
            tg_table_schema, tg_table_name using errcode = 'insufficient_privilege';
    end if;
    new.updated_at := now();
    return new;
end $$;
"""

ROLE = """
do $$
begin
    if not exists (select from pg_roles where rolname = 'tradelake_ingest') then
        create role tradelake_ingest nologin;
    end if;
exception when insufficient_privilege then
    raise notice 'cannot create role tradelake_ingest (not allowed on this server); grants skipped';
end $$;
"""

TABLES = """
create schema if not exists raw;
create schema if not exists ledger;
create schema if not exists ref;

create table raw.pages (
    page_id        bigint generated always as identity,
    source         text not null,
    endpoint       text not null,
    request_params jsonb not null default '{}'::jsonb,
    status         integer not null,
    payload        jsonb,
    payload_text   text,
    payload_sha256 text not null,
    fetched_at     timestamptz not null default now(),
    primary key (page_id, fetched_at)
) partition by range (fetched_at);
create index pages_source_endpoint_fetched on raw.pages (source, endpoint, fetched_at);
create table raw.pages_default partition of raw.pages default;
comment on table raw.pages is 'Every API response page as received, before parsing (append-only).';
comment on column raw.pages.payload_text is 'Body that was not JSON (error pages), kept verbatim.';

create table ops.quarantine (
    quarantine_id  bigint generated always as identity primary key,
    source         text not null,
    stream         text not null,
    reason         text not null,
    payload        jsonb not null,
    payload_sha256 text not null,
    page_id        bigint,  -- raw.pages.page_id (partitioned: no FK)
    first_seen_at  timestamptz not null default now(),
    last_seen_at   timestamptz not null default now(),
    seen_count     integer not null default 1,
    unique (source, stream, payload_sha256)
);
comment on table ops.quarantine is
    'Records that failed validation, with the reason; never dropped.';

create table ops.archive_manifest (
    relation       text not null,
    partition_name text not null,
    range_start    timestamptz not null,
    range_end      timestamptz not null,
    uri            text not null,
    row_count      bigint not null,
    checksum       text not null,
    archived_at    timestamptz not null default now(),
    verified_at    timestamptz,
    dropped_at     timestamptz,
    primary key (relation, range_start)
);
comment on table ops.archive_manifest is
    'Partitions exported to Parquet: where, how many rows, checksum, when verified and dropped.';

create table ops.cursors (
    source     text not null,
    stream     text not null,
    scope      text not null default '',
    value      text not null,
    updated_at timestamptz not null default now(),
    primary key (source, stream, scope)
);
comment on column ops.cursors.scope is 'Sub-stream, e.g. a wallet address or instrument type.';

create table ops.sync_runs (
    sync_run_id bigint generated always as identity primary key,
    source      text not null,
    stream      text not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status      text not null check (status in ('running', 'succeeded', 'failed', 'skipped')),
    pages       integer not null default 0,
    records     integer not null default 0,
    inserted    integer not null default 0,
    quarantined integer not null default 0,
    conflicts   integer not null default 0,
    message     text
);

create table ops.ledger_conflicts (
    conflict_id     bigint generated always as identity primary key,
    table_name      text not null,
    natural_key     jsonb not null,
    existing_hash   text not null,
    incoming_hash   text not null,
    incoming_record jsonb not null,
    page_id         bigint,
    detected_at     timestamptz not null default now(),
    unique (table_name, natural_key, incoming_hash)
);
comment on table ops.ledger_conflicts is
    'Re-delivered ledger records whose content differs from the stored one (blocks downstream).';

create table ref.strategies (
    strategy_name    text not null,
    strategy_version text not null,
    strategy_type    text not null,
    config           jsonb not null,
    status           text not null default 'active',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (strategy_name, strategy_version)
);

create table ref.probability_models (
    model_name    text not null,
    model_version text not null,
    model_type    text not null,
    config        jsonb not null,
    status        text not null default 'active',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (model_name, model_version)
);

create table ref.order_tags (
    venue                   text not null,
    order_id                text not null,
    strategy_name           text not null,
    strategy_version        text not null,
    model_name              text,
    model_version           text,
    edge_at_execution       numeric,
    confidence_at_execution numeric check (confidence_at_execution between 0 and 1),
    tagged_at               timestamptz not null default now(),
    primary key (venue, order_id),
    foreign key (strategy_name, strategy_version) references ref.strategies,
    foreign key (model_name, model_version) references ref.probability_models
);

create table ref.model_probabilities (
    model_name    text not null,
    model_version text not null,
    venue         text not null,
    market_id     text not null,
    outcome       text not null,
    probability   numeric not null check (probability between 0 and 1),
    computed_at   timestamptz not null,
    primary key (model_name, model_version, venue, market_id, outcome, computed_at),
    foreign key (model_name, model_version) references ref.probability_models
);

create table ref.probability_matrices (
    category            text not null,
    subcategory         text not null,
    version             text not null,
    state_descriptor    text not null,
    value_bucket        text not null,
    situational_factors jsonb not null default '{}'::jsonb,
    win_probability     numeric not null check (win_probability between 0 and 1),
    sample_size         integer not null check (sample_size >= 0),
    created_at          timestamptz not null default now(),
    primary key (category, subcategory, version, state_descriptor, value_bucket,
                 situational_factors)
);
"""

PARTITIONS = """
-- Monthly partitions of raw.pages (rows outside them land in raw.pages_default).
create or replace function ops.ensure_raw_partitions(first_month date, last_month date)
returns void language plpgsql as $$
declare m date := date_trunc('month', first_month);
begin
    while m <= last_month loop
        execute format(
            'create table if not exists raw.%I partition of raw.pages for values from (%L) to (%L)',
            'pages_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
        execute format('drop trigger if exists refuse_truncate on raw.%I',
                       'pages_' || to_char(m, 'YYYY_MM'));
        execute format('create trigger refuse_truncate before truncate on raw.%I '
                       'for each statement execute function ops.refuse_mutation()',
                       'pages_' || to_char(m, 'YYYY_MM'));
        m := (m + interval '1 month')::date;
    end loop;
end $$;

-- Retention: the only way rows leave raw, and only once their archive is verified.
create or replace function ops.drop_archived_raw_partition(part text) returns void
language plpgsql as $$
begin
    if not exists (select from ops.archive_manifest where relation = 'raw.pages'
                   and partition_name = part and verified_at is not null) then
        raise exception 'partition raw.% has no verified archive: refusing to drop it', part
            using errcode = 'insufficient_privilege';
    end if;
    execute format('alter table raw.pages detach partition raw.%I', part);
    execute format('drop table raw.%I', part);
    update ops.archive_manifest set dropped_at = now()
    where relation = 'raw.pages' and partition_name = part;
end $$;

select ops.ensure_raw_partitions('2024-01-01', '2031-12-01');
"""

PROTECT = """
select ops.protect_ledger('raw.pages');
select ops.protect_ledger('ref.order_tags');
select ops.protect_ledger('ref.model_probabilities');
select ops.protect_ledger('ref.probability_matrices');
create trigger refuse_version_rewrite before update or delete on ref.strategies
    for each row execute function ops.refuse_version_rewrite();
create trigger refuse_version_rewrite before update or delete on ref.probability_models
    for each row execute function ops.refuse_version_rewrite();
create trigger refuse_truncate before truncate on ref.strategies
    for each statement execute function ops.refuse_mutation();
create trigger refuse_truncate before truncate on ref.probability_models
    for each statement execute function ops.refuse_mutation();
"""


def upgrade() -> None:
    op.execute(ROLE)
    op.execute(GUARD)
    op.execute(TABLES)
    op.execute(PARTITIONS)
    op.execute(PROTECT)


def downgrade() -> None:
    refuse_if_rows("raw.pages")  # before anything is dropped
    op.execute(
        """
        drop table ref.probability_matrices, ref.model_probabilities, ref.order_tags,
                   ref.probability_models, ref.strategies;
        drop table ops.ledger_conflicts, ops.sync_runs, ops.cursors, ops.quarantine,
                   ops.archive_manifest;
        """
    )
    drop_financial_tables("raw.pages")
    op.execute(
        """
        drop function ops.drop_archived_raw_partition(text);
        drop function ops.ensure_raw_partitions(date, date);
        drop function ops.refuse_version_rewrite();
        drop function ops.protect_ledger(regclass);
        drop function ops.refuse_mutation();
        drop schema ref;
        drop schema ledger;
        drop schema raw;
        """
    )
