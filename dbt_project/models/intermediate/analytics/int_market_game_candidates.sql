-- One row per (market outcome, candidate game): every game of the same league between the same
-- two teams whose UTC start date is within one day of the market's date (venues date a game in
-- local time, so an evening kickoff is the next UTC day). candidate_rank 1 is the link.
with parsed as (
    select * from {{ ref('int_market_matchups_parsed') }}
    where parse_status = 'parsed'
),

games as (
    select
        league,
        game_id,
        start_time,
        home_team,
        away_team,
        cast(start_time at time zone 'UTC' as date) as start_date_utc
    from {{ ref('game_states') }}
),

matched as (
    select
        parsed.venue,
        parsed.market_id,
        parsed.outcome,
        parsed.event_id,
        parsed.match_rule,
        parsed.league,
        parsed.market_date,
        parsed.team,
        parsed.proposition,
        games.game_id,
        games.start_time as game_start_time,
        games.start_date_utc - parsed.market_date as date_offset_days,
        -- A venue listing the teams the other way round (neutral-site games) still matches,
        -- ranked after a game with the same home team.
        games.home_team <> parsed.home_team as is_home_away_swapped
    from parsed
    inner join games
        on
            parsed.league = games.league
            and (
                (parsed.away_team = games.away_team and parsed.home_team = games.home_team)
                or (parsed.away_team = games.home_team and parsed.home_team = games.away_team)
            )
            and games.start_date_utc between parsed.market_date - 1 and parsed.market_date + 1
)

select
    *,
    row_number() over (
        partition by venue, market_id, outcome
        order by is_home_away_swapped, abs(date_offset_days), game_start_time, game_id
    ) as candidate_rank,
    count(*) over (partition by venue, market_id, outcome) as candidate_count
from matched
