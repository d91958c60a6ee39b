{#- Rows of `relation` (a CTE with venue, account) whose `column` falls in the outer `hours` row's hour. -#}
{% macro tilt_in_hour(relation, column) -%}
    {{ relation }}.venue = hours.venue
    and {{ relation }}.account = hours.account
    and {{ relation }}.{{ column }} >= hours.hour_start
    and {{ relation }}.{{ column }} < hours.hour_start + interval '1 hour'
{%- endmacro %}
