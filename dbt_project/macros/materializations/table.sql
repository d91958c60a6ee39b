{#-
  dbt's table materialization, with one change: the relation and column comments
  (persist_docs) are written on the new table before the swap instead of after it.

  The built-in one builds `<name>__dbt_tmp`, renames the live table to `<name>__dbt_backup`
  (ACCESS EXCLUSIVE lock, held until commit), renames the new one into place, then writes the
  comments (two catalog look-ups and a comment per column) and commits. Every reader of the
  table queues behind that lock, so the comments now come first: between the first rename and
  the commit there are only the two renames (and grants, when a model configures them).
  See docs/reliability.md section 3.
-#}
{% materialization table, adapter='postgres' %}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') %}
  {%- set intermediate_relation =  make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {% set grant_config = config.get('grants') %}

  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  -- build model
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
  {%- endcall %}

  {% do create_indexes(intermediate_relation) %}
  {% do persist_docs(intermediate_relation, model) %}

  -- swap: the ACCESS EXCLUSIVE lock on the live table is held from here to the commit
  {% set existing_relation = tradelake_swap(
      existing_relation, intermediate_relation, target_relation, backup_relation
  ) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}

  -- `COMMIT` happens here
  {{ adapter.commit() }}

  -- finally, drop the existing/backup relation after the commit
  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
