-- The current version of each Kalshi event, with the current title and category of its series
-- (Kalshi deprecated the event-level category in favour of the series'). Events are grouped by
-- series; their markets are in core.markets (event_id = event_ticker).
with events as (
    select * from {{ ref('stg_kalshi__event_observations') }}
),

series as (
    select * from {{ ref('stg_kalshi__series_observations') }}
),

current_events as (
    select distinct on (event_ticker) *
    from events
    order by event_ticker, observed_at desc
),

current_series as (
    select distinct on (series_ticker) *
    from series
    order by series_ticker, observed_at desc
)

select
    current_events.event_ticker,
    current_events.series_ticker,
    current_events.title,
    current_events.sub_title,
    current_series.title as series_title,
    coalesce(current_series.category, current_events.category) as category,
    current_series.frequency as series_frequency,
    current_series.fee_type,
    current_series.fee_multiplier,
    current_events.collateral_return_type,
    current_events.mutually_exclusive,
    current_events.strike_date,
    current_events.strike_period,
    current_events.available_on_brokers,
    current_events.observed_at
from current_events
left join current_series
    on current_events.series_ticker = current_series.series_ticker
