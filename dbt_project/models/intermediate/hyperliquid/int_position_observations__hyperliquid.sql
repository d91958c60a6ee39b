-- Hyperliquid input of int_position_observations: one row per observed state of an own perp
-- position, keyed by side (outcome = position_side, `long`/`short`). A position that closed
-- (szi 0) or flipped side also closes the side it left: a row of quantity 0 for that side at
-- the same observation, so core.positions drops it.
-- The mark is positionValue / |szi|, read in the same answer as the position (so it agrees with
-- its unrealizedPnl); only where the venue sent no positionValue does the coin's latest markPx
-- (metaAndAssetCtxs) observed at or in the hour before the position stand in.
-- The rows themselves: macros/hyperliquid_position_rows.sql (int_position_observations'
-- incremental run makes them from the recomputed observations only).
with observations as (
    select
        *,
        lag(signed_size) over (
            partition by account, coin order by observed_at
        ) as previous_size
    from {{ ref('stg_hyperliquid__position_observations') }}
),

{{ hyperliquid_position_rows('observations') }}
