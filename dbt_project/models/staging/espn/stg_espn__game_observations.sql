with source as (
    select * from {{ source('espn', 'espn_game_observations') }}
),

renamed as (
    select
        league,
        game_id,
        start_time,
        home_team,
        away_team,
        home_name,
        away_name,
        home_score,
        away_score,
        period,
        clock,
        status,
        status_raw,
        status_state,
        status_detail,
        completed,
        winner,
        observed_at,
        loaded_at
    from source
)

select * from renamed
