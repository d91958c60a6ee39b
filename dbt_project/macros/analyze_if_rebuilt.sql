{#-
    Post-hook of every model (dbt_project.yml): `analyze` a table this run created, i.e. a table
    model, or an incremental one on its first build or a `--full-refresh`, so that the models
    downstream of it in the same run are planned with its statistics. Autovacuum analyzes a new
    table only up to a minute later; until then the planner guesses, and on core.candles its
    guess (0.5 % of the rows for `interval = '1h'`) made account_equity's full build join each
    position-hour to every candle of the venue (docs/benchmarks.md, "no statistics yet"). An
    incremental run only adds or replaces rows: autovacuum keeps up with those. Rendered when
    the hook runs, before dbt records the relation, so a first build is not yet incremental.
-#}
{% macro analyze_if_rebuilt() -%}
    {%- if model.config.materialized in ('table', 'incremental') and not is_incremental() -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
