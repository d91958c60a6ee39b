{#-
  The CTEs every venue's int_orders__<venue> starts from, over its order observations (one row
  per observed state: account, order_id, status, venue_updated_at, observed_at):
    observations  every observation, with its recency and the status / venue time before it
    terminal      per order, when it became terminal (filled, canceled, rejected, expired): the
                  venue's update time when the venue moved it (or the order was first seen
                  already terminal), else our observation time (a cancel that left the venue's
                  update time as it was happened at the latest then)
    latest        the latest observation of each order
  Used as `with {{ order_states(ref('stg_<venue>__order_observations')) }}, ...`.
-#}
{% macro order_states(observations) -%}
observations as (
    select
        *,
        row_number() over (partition by account, order_id order by observed_at desc) as recency,
        lag(status) over (partition by account, order_id order by observed_at) as status_before,
        lag(venue_updated_at) over (partition by account, order_id order by observed_at)
            as venue_updated_before
    from {{ observations }}
),

terminal_states as (
    select
        account,
        order_id,
        case
            when
                status_before is not null
                and coalesce(
                    venue_updated_at = venue_updated_before,
                    venue_updated_at is null and venue_updated_before is null
                )
                then observed_at
            else coalesce(venue_updated_at, observed_at)
        end as terminal_at,
        row_number() over (partition by account, order_id order by observed_at) as nth
    from observations
    where
        status in ('filled', 'canceled', 'rejected', 'expired')
        and (status_before is null or status_before not in ('filled', 'canceled', 'rejected', 'expired'))
),

terminal as (
    select
        account,
        order_id,
        terminal_at
    from terminal_states
    where nth = 1
),

latest as (
    select * from observations
    where recency = 1
)
{%- endmacro %}
