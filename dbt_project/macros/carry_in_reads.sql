{#-
    account_equity's observations that a run values (models/marts/account_equity.sql): a full
    build, or an account not built yet, reads all of `relation`; a built account reads those
    from the restart on and, per `keys` (one observed thing), the latest one before it (the
    carry-in), which holds from its hour until the key's next observation. Reads the model's own
    CTEs `bounds` (restart_at) and `carried` (the built accounts).
-#}
{% macro carry_in_reads(relation, alias, keys) -%}
    {% if is_incremental() -%}
        select {{ alias }}.*
        from {{ relation }} as {{ alias }}
        cross join bounds
        left join carried as c on {{ alias }}.venue = c.venue and {{ alias }}.account = c.account
        where {{ alias }}.observed_at >= bounds.restart_at or c.account is null
        union all
        select carry_in.*
        from (
            select distinct on ({{ alias }}.{{ keys | join(', ' ~ alias ~ '.') }}) {{ alias }}.*
            from {{ relation }} as {{ alias }}
            inner join carried as c on {{ alias }}.venue = c.venue and {{ alias }}.account = c.account
            cross join bounds
            where {{ alias }}.observed_at < bounds.restart_at
            order by {% for key in keys %}{{ alias }}.{{ key }} asc, {% endfor %}{{ alias }}.observed_at desc
        ) as carry_in
    {%- else -%}
        select * from {{ relation }}
    {%- endif %}
{%- endmacro %}
