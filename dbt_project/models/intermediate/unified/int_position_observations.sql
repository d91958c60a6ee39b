{#-
    Every source's position observations, in one shape. Sources add their model to the list
    below (and, for an incremental run, to the recomputation after it).

    An incremental table (index on venue, account, market_id, outcome, observed_at, so that
    marts.account_equity reads each position's latest row before an hour with one probe).
    A full build is the union of the sources' views. An incremental run recomputes, per
    (venue, account, market_id) with observations loaded since the arrival watermark
    (`arrived_since` on loaded_at), every row from the earliest of them on, and strategy
    `key_range` (macros/key_range_strategy.sql) replaces the stored rows from there on: a late
    observation changes the next one's previous size (Hyperliquid) and can remove a
    quantity-0 row, so the old rows are deleted rather than merged. Per source:
      - Hyperliquid: the observations from that one on, the first one's previous size read from
        the stored rows before it (its latest stored row: a held row's signed size, 0 for a
        closing row: the same as lag() over the ledger, since an observation that leaves no
        row is of size 0 after size 0); also the positions observed in the hour after a newly
        loaded asset context (the mark without a positionValue).
      - OKX: every row of an (account, instrument) with a newly loaded position, or with a
        newly loaded instrument (contract terms change every row's quantity); its view
        carries the side of a closing row over the whole history.
      - Kalshi: the rows from the earliest newly loaded one on (each row is its ledger row's).
-#}
-- depends_on: {{ ref('stg_hyperliquid__position_observations') }}
-- depends_on: {{ ref('stg_hyperliquid__asset_contexts') }}
-- depends_on: {{ ref('stg_okx__positions') }}
-- depends_on: {{ ref('stg_okx__instruments') }}
-- depends_on: {{ ref('stg_kalshi__position_observations') }}
{{ config(
    materialized='incremental',
    incremental_strategy='key_range',
    unique_key=['venue', 'account', 'market_id'],
    indexes=[
        {'columns': ['venue', 'account', 'market_id', 'outcome', 'observed_at']},
        {'columns': ['loaded_at']},
    ],
) }}

{#- the contract's columns, in its order (a unit test's context has no model columns) #}
{%- set columns = [
    'venue', 'account', 'market_id', 'outcome', 'quantity', 'cost', 'realized_pnl', 'fees_paid',
    'observed_at', 'position_side', 'entry_price', 'mark_price', 'unrealized_pnl', 'leverage',
    'liquidation_price', 'margin', 'funding_paid', 'loaded_at',
] %}

{%- set inputs = [
    'int_position_observations__kalshi',
    'int_position_observations__okx',
    'int_position_observations__hyperliquid',
] %}

{%- if not is_incremental() %}
{{ union_inputs(inputs) }}
{%- else %}
    with watermark as (
        select {{ arrived_since() }} as arrived_since
    ),

    hyperliquid_arrivals as (
        select observations.account, observations.coin, observations.observed_at
        from {{ ref('stg_hyperliquid__position_observations') }} as observations
        where observations.loaded_at >= (select arrived_since from watermark)
        union all
        -- a newly loaded mark stands in for a position without positionValue up to an hour later
        select observations.account, observations.coin, observations.observed_at
        from {{ ref('stg_hyperliquid__asset_contexts') }} as contexts
        inner join {{ ref('stg_hyperliquid__position_observations') }} as observations
            on
                contexts.coin = observations.coin
                and contexts.observed_at <= observations.observed_at
                and observations.observed_at < contexts.observed_at + interval '1 hour'
        where contexts.loaded_at >= (select arrived_since from watermark)
    ),

    hyperliquid_recompute as (
        -- per (account, coin): the first observation to recompute, and the signed size stored
        -- before it (a flip stores both sides at one observed_at: the side left has quantity 0)
        select
            arrivals.account,
            arrivals.coin,
            arrivals.recompute_from,
            case
                when long_row.observed_at is null and short_row.observed_at is null then null
                when short_row.observed_at is null or long_row.observed_at > short_row.observed_at
                    then long_row.quantity
                when long_row.observed_at is null or short_row.observed_at > long_row.observed_at
                    then -short_row.quantity
                else long_row.quantity - short_row.quantity
            end as stored_previous_size
        from (
            select account, coin, min(observed_at) as recompute_from
            from hyperliquid_arrivals
            group by account, coin
        ) as arrivals
        left join lateral (
            select stored.observed_at, stored.quantity
            from {{ this }} as stored
            where
                stored.venue = 'hyperliquid'
                and stored.account = arrivals.account
                and stored.market_id = arrivals.coin
                and stored.outcome = 'long'
                and stored.observed_at < arrivals.recompute_from
            order by stored.observed_at desc
            limit 1
        ) as long_row on true
        left join lateral (
            select stored.observed_at, stored.quantity
            from {{ this }} as stored
            where
                stored.venue = 'hyperliquid'
                and stored.account = arrivals.account
                and stored.market_id = arrivals.coin
                and stored.outcome = 'short'
                and stored.observed_at < arrivals.recompute_from
            order by stored.observed_at desc
            limit 1
        ) as short_row on true
    ),

    hyperliquid_observations as (
        select
            observations.*,
            case
                when
                    row_number() over by_time = 1
                    then recompute.stored_previous_size
                else lag(observations.signed_size) over by_time
            end as previous_size
        from {{ ref('stg_hyperliquid__position_observations') }} as observations
        inner join hyperliquid_recompute as recompute
            on
                observations.account = recompute.account
                and observations.coin = recompute.coin
                and observations.observed_at >= recompute.recompute_from
        where observations.observed_at >= (select min(recompute_from) from hyperliquid_recompute)
        window by_time as (partition by observations.account, observations.coin order by observations.observed_at)
    ),

    hyperliquid_rows as (
        with {{ hyperliquid_position_rows('hyperliquid_observations') }}
    ),

    okx_recompute as (
        select positions.account, positions.inst_id
        from {{ ref('stg_okx__positions') }} as positions
        where positions.loaded_at >= (select arrived_since from watermark)
        union
        select positions.account, positions.inst_id
        from {{ ref('stg_okx__positions') }} as positions
        inner join {{ ref('stg_okx__instruments') }} as instruments
            on positions.inst_id = instruments.inst_id
        where instruments.loaded_at >= (select arrived_since from watermark)
    ),

    okx_rows as (
        select okx.*
        from {{ ref('int_position_observations__okx') }} as okx
        inner join okx_recompute
            on okx.account = okx_recompute.account and okx.market_id = okx_recompute.inst_id
    ),

    kalshi_recompute as (
        select account, ticker, min(observed_at) as recompute_from
        from {{ ref('stg_kalshi__position_observations') }}
        where loaded_at >= (select arrived_since from watermark)
        group by account, ticker
    ),

    kalshi_rows as (
        select kalshi.*
        from {{ ref('int_position_observations__kalshi') }} as kalshi
        inner join kalshi_recompute
            on
                kalshi.account = kalshi_recompute.account
                and kalshi.market_id = kalshi_recompute.ticker
                and kalshi.observed_at >= kalshi_recompute.recompute_from
    )

    {%- for rows in ['kalshi_rows', 'okx_rows', 'hyperliquid_rows'] %}
        {{ "union all" if not loop.first }}
        select {{ contract_columns(columns) }}
        from {{ rows }}
    {%- endfor %}
{%- endif %}
