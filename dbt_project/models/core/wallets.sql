-- One row per tracked wallet (address): as configured in tradelake.yaml (ops.tracked_wallets:
-- label, tags, sources) and as seen in its activity (core.wallet_events). CONTRACT §5.
with configured as (
    select * from {{ source('ops', 'tracked_wallets') }}
),

activity as (
    select
        wallet,
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at,
        count(*) as events
    from {{ ref('wallet_events') }}
    group by wallet
)

select
    configured.address,
    configured.label,
    configured.tags,
    configured.sources,
    least(configured.first_tracked_at, activity.first_activity_at) as first_seen_at,
    activity.last_activity_at,
    coalesce(
        activity.last_activity_at >= now() - interval '{{ var("wallet_active_days", 30) }} days',
        false
    ) as is_active,
    coalesce(activity.events, 0) as events,
    configured.untracked_at is null as is_tracked,
    configured.first_tracked_at,
    coalesce(configured.watched_from, configured.first_tracked_at) as watched_from
from configured
left join activity on configured.address = activity.wallet
