-- One row per prediction-market outcome that links to no game, with the reason, for review.
-- Markets that are not about a single game (futures, props with other slugs) land here by design.
with parsed as (
    select * from {{ ref('int_market_matchups_parsed') }}
),

candidates as (
    select distinct venue, market_id, outcome
    from {{ ref('int_market_game_candidates') }}
)

select
    parsed.venue,
    parsed.market_id,
    parsed.outcome,
    parsed.event_id,
    parsed.title,
    parsed.league,
    parsed.market_date,
    parsed.away_team,
    parsed.home_team,
    case parsed.parse_status
        when 'parsed' then 'no_game'
        else parsed.parse_status
    end as unmatched_reason,
    case
        when parsed.parse_status = 'unparsed_identifier' and parsed.venue = 'kalshi'
            then 'ticker does not read as KX<LEAGUE>GAME-<YYMONDD><AWAY><HOME>-<TEAM>'
        when parsed.parse_status = 'unparsed_identifier'
            then 'event slug does not read as <league>-<away>-<home>-<YYYY-MM-DD>'
        when parsed.parse_status = 'unknown_teams'
            then 'team codes are not in the nfl_teams seed for this league'
        when parsed.parse_status = 'ambiguous_teams'
            then 'the team codes split into more than one pair of teams'
        else
            'no game of ' || parsed.away_team || ' at ' || parsed.home_team
            || ' starts within one day of ' || cast(parsed.market_date as text)
    end as unmatched_detail
from parsed
left join candidates
    on
        parsed.venue = candidates.venue
        and parsed.market_id = candidates.market_id
        and parsed.outcome = candidates.outcome
where candidates.market_id is null
