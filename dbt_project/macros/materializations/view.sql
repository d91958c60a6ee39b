{#-
  dbt's view materialization, with one change: a view whose definition did not change since it
  was created is left as it is instead of being re-created on every run.

  The fingerprint is the md5 of what makes the view: its compiled SQL, its description and
  column descriptions (written as comments), its grants, and the columns of the relations it
  reads (a `select *` froze them when the view was created: a migration adding a column to a
  ledger, or an incremental model gaining one, re-creates the views over it). It is kept in the view's own comment
  (after the description), so it lives and dies with the view: a view dropped by a cascade (a
  table upstream rebuilt and swapped: Postgres views follow the old table, which dbt then drops
  with its dependents) is simply missing and gets created again. The catalog is read here
  rather than dbt's relation cache, which does not follow cascades. `--full-refresh`
  re-creates every view. See docs/benchmarks.md ("no-op refresh").

  A view that is re-created gets its comments on the new view before the swap (swap.sql), as
  table.sql does, so the live view's lock is held for the renames and grants only.
-#}
{% materialization view, adapter='postgres' %}

  {%- set target_relation = this.incorporate(type='view') -%}
  {#- the relations it reads, whose columns a `select *` view froze when it was created -#}
  {%- set parents = [] -%}
  {%- for node_id in model.depends_on.nodes -%}
    {%- set node = graph.sources.get(node_id) or graph.nodes.get(node_id) -%}
    {%- if node and node.resource_type in ('source', 'model', 'seed', 'snapshot') -%}
      {%- do parents.append(node.schema ~ '.' ~ (node.identifier or node.alias or node.name)) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set state = run_query(
      "select (select obj_description(c.oid, 'pg_class') from pg_class as c "
      ~ "join pg_namespace as n on n.oid = c.relnamespace where n.nspname = '" ~ this.schema
      ~ "' and c.relname = '" ~ this.identifier ~ "' and c.relkind = 'v'), "
      ~ "(select md5(coalesce(string_agg(a.attrelid::regclass::text || '.' || a.attname || ':' "
      ~ "|| format_type(a.atttypid, a.atttypmod), ',' order by a.attrelid::regclass::text, "
      ~ "a.attnum), '')) from pg_attribute as a where a.attnum > 0 and not a.attisdropped "
      ~ "and a.attrelid in (select to_regclass(p) from unnest(array["
      ~ ("'" ~ (parents | join("','")) ~ "'" if parents else "") ~ "]::text[]) as p))"
  ) -%}
  {%- set comment = state.columns[0].values()[0] or '' -%}
  {%- set fingerprint = local_md5(
      sql ~ '|' ~ tojson(model.description) ~ '|' ~ tojson(model.columns) ~ '|'
      ~ tojson(config.get('grants')) ~ '|' ~ state.columns[1].values()[0]
  ) -%}
  {%- set marker = '(dbt view fingerprint ' ~ fingerprint ~ ')' -%}

  {%- if not should_full_refresh() and marker in comment -%}
    {% call statement('main') -%}
      select 'unchanged view {{ this }}'
    {%- endcall %}
    {{ return({'relations': [target_relation]}) }}
  {%- endif -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'view' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {% set grant_config = config.get('grants') %}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}

  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% call statement('main') -%}
    {{ get_create_view_as_sql(intermediate_relation, sql) }}
  {%- endcall %}

  {#- the comments on the new view before the swap, as table.sql does: the live view's lock is
      then held for the two renames and the grants only -#}
  {% do persist_docs(intermediate_relation, model) %}
  {% call statement('fingerprint') -%}
    comment on view {{ intermediate_relation }} is {{ postgres_escape_comment(
        ((model.description ~ '\n\n') if model.description else '') ~ marker
    ) }}
  {%- endcall %}

  {% set existing_relation = tradelake_swap(
      existing_relation, intermediate_relation, target_relation, backup_relation
  ) %}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}
