{#-
  The swap that ends our table and view materializations (table.sql, view.sql): the live
  relation, if it still exists, is renamed to its backup and the new one renamed into place. The
  first rename takes an ACCESS EXCLUSIVE lock on the live relation, held until the caller
  commits, so callers write comments and indexes on the new relation before calling this.
  Returns the live relation as it was found (none when there was none, e.g. dropped by a
  cascade), which decides whether grants are revoked.
-#}
{% macro tradelake_swap(existing_relation, intermediate_relation, target_relation, backup_relation) %}
  {%- set found = load_cached_relation(existing_relation) if existing_relation is not none else none -%}
  {%- if found is not none -%}
    {%- do adapter.rename_relation(found, backup_relation) -%}
  {%- endif -%}
  {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
  {{ return(found) }}
{% endmacro %}
