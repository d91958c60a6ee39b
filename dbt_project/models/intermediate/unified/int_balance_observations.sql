{#-
    Every source's balance observations, in one shape. Sources add their model to this list.

    An incremental table (index on venue, account, currency, observed_at, so that
    marts.account_equity reads each currency's latest row before an hour with one probe).
    A full build is the union of the sources' views. Each row is its ledger row's alone, so an
    incremental run recomputes, per (venue, account, currency) with observations loaded since
    the arrival watermark (`arrived_since` on loaded_at), the rows from the earliest of them on;
    strategy `key_range` (macros/key_range_strategy.sql) replaces the stored rows from there on.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='key_range',
    unique_key=['venue', 'account', 'currency'],
    indexes=[
        {'columns': ['venue', 'account', 'currency', 'observed_at']},
        {'columns': ['loaded_at']},
    ],
) }}

{%- set inputs = [
    'int_balance_observations__kalshi',
    'int_balance_observations__okx',
    'int_balance_observations__hyperliquid',
] %}

{%- if not is_incremental() %}
{{ union_inputs(inputs) }}
{%- else %}
    {%- for name in inputs %}
        {{ "union all" if not loop.first }}
        select
        {%- for c in model.columns.values() %}
    cast(observations.{{ c.name }} as {{ c.data_type }}) as {{ c.name }}{{ "," if not loop.last }}
    {%- endfor %}
        from {{ ref(name) }} as observations
        inner join (
            select account, currency, min(observed_at) as recompute_from
            from {{ ref(name) }}
            where loaded_at >= {{ arrived_since() }}
            group by account, currency
        ) as recompute
            on
                observations.account = recompute.account
                and observations.currency = recompute.currency
                and observations.observed_at >= recompute.recompute_from
        -- the same bound as one value, which the scan of the view can use
        where observations.observed_at >= (
            select min(observed_at) from {{ ref(name) }}
            where loaded_at >= {{ arrived_since() }}
        )
    {%- endfor %}
{%- endif %}
