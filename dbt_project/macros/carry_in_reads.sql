{#-
    account_equity's observations that an incremental run values (models/marts/account_equity.sql),
    read from `relation` (an incremental table with an index on `keys` + observed_at, `keys`
    starting with venue, account), `columns` of it:
      - of a built account (CTE `carried`), per key (one observed thing: found by a skip scan of
        the index, macro index_distinct), the rows from the restart (CTE `bounds`) on, and the
        latest row before it (the carry-in, which holds from its hour until the key's next
        observation): one index probe each. `carry_in_filter` keeps only the carry-in rows that
        can change a value (a closed or unknown-size position values at 0 with or without it);
      - of an account not built yet (CTE `new_accounts`), every row.
    A full build reads the whole relation (the model itself).
-#}
{% macro carry_in_reads(relation, keys, columns, carry_in_filter=none) -%}
    {%- set key_match -%}
        {% for key in keys %}r.{{ key }} = k.{{ key }}{{ " and " if not loop.last }}{% endfor %}
    {%- endset -%}
    {%- set select_list -%}
        {% for col in columns %}r.{{ col }}{{ ", " if not loop.last }}{% endfor %}
    {%- endset -%}
    select r.*
    from {{ index_distinct(relation, keys) }} as k
    inner join carried as c on k.venue = c.venue and k.account = c.account
    cross join lateral (
        select {{ select_list }}
        from {{ relation }} as r
        where {{ key_match }} and r.observed_at >= (select bounds.restart_at from bounds)
    ) as r
    union all
    select r.*
    from {{ index_distinct(relation, keys) }} as k
    inner join carried as c on k.venue = c.venue and k.account = c.account
    cross join lateral (
        select {{ select_list }}
        from {{ relation }} as r
        where {{ key_match }} and r.observed_at < (select bounds.restart_at from bounds)
        order by r.observed_at desc
        limit 1
    ) as r
    {%- if carry_in_filter %}
    where {{ carry_in_filter }}
    {%- endif %}
    union all
    select r.*
    from new_accounts as n
    cross join lateral (
        select {{ select_list }}
        from {{ relation }} as r
        where r.venue = n.venue and r.account = n.account
    ) as r
{%- endmacro %}

{#-
    The distinct values of `keys` (a prefix of an index of `relation`) by a skip scan: one index
    probe per distinct value (a recursive CTE: the next key above the last one found), instead of
    reading every row. A key with a NULL in it ends the scan of the keys that share its leading
    values (a row comparison with NULL is unknown; NULLs sort last), so such keys are not
    returned: callers use it where a NULL key never matters.
-#}
{% macro index_distinct(relation, keys) -%}
    (
        with recursive found as (
            (
                select {{ keys | join(', ') }}
                from {{ relation }}
                order by {{ keys | join(', ') }}
                limit 1
            )
            union all
            select next_key.*
            from found
            cross join lateral (
                select {% for key in keys %}r.{{ key }}{{ ", " if not loop.last }}{% endfor %}
                from {{ relation }} as r
                where
                    ({% for key in keys %}r.{{ key }}{{ ", " if not loop.last }}{% endfor %})
                    > ({% for key in keys %}found.{{ key }}{{ ", " if not loop.last }}{% endfor %})
                order by {% for key in keys %}r.{{ key }}{{ ", " if not loop.last }}{% endfor %}
                limit 1
            ) as next_key
        )

        select * from found
    )
{%- endmacro %}
