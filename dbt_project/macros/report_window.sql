{#- The 4h report window (aligned to 00/04/08/12/16/20 UTC) that a timestamp falls in. -#}
{% macro report_window_start(ts) -%}
    date_bin(interval '4 hours', {{ ts }}, timestamptz '2000-01-01 00:00:00+00')
{%- endmacro %}

{#- A number as fixed-point text for the report (`places` decimals, no float formatting). -#}
{% macro report_amount(expr, places=2) -%}
    to_char(round({{ expr }}, {{ places }}), 'FM999999999999990.{{ "0" * places }}')
{%- endmacro %}

{#- A long hex id (condition id, address) shortened for reading; other ids are kept whole. -#}
{% macro report_id(expr) -%}
    case
        when {{ expr }} like '0x%' and length({{ expr }}) > 24 then left({{ expr }}, 10) || '…' || right({{ expr }}, 4)
        else {{ expr }}
    end
{%- endmacro %}
