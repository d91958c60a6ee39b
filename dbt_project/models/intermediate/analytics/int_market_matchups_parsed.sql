-- One row per prediction-market outcome: the league, date and teams read from the venue's own
-- identifiers (Kalshi ticker, Polymarket event slug + outcome label), before any game is looked
-- up. Rows that cannot be read keep NULLs and say why in parse_status.
with markets as (
    select venue, market_id, event_id, outcome, title
    from {{ ref('markets') }}
    where venue in ('kalshi', 'polymarket')
),

teams as (
    select * from {{ ref('nfl_teams') }}
),

-- Every code a venue may use for a team: its own code, plus the ESPN abbreviation as an alias.
codes as (
    select 'kalshi' as venue, league, espn_abbr, kalshi_code as code from teams
    union
    select 'kalshi' as venue, league, espn_abbr, espn_abbr as code from teams
    union
    select 'polymarket' as venue, league, espn_abbr, polymarket_code as code from teams
    union
    select 'polymarket' as venue, league, espn_abbr, lower(espn_abbr) as code from teams
),

-- Kalshi: KX<LEAGUE>GAME-<YYMONDD><AWAY><HOME>-<TEAM|TIE>; Polymarket: <league>-<away>-<home>-<YYYY-MM-DD>.
patterns as (
    select
        markets.*,
        regexp_match(
            markets.market_id,
            '^KX([A-Z]+)GAME-([0-9]{2}(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[0-3][0-9])([A-Z]+)-([A-Z0-9]+)$'
        ) as kalshi_parts,
        regexp_match(markets.event_id, '^([a-z]+)-([a-z0-9]+)-([a-z0-9]+)-([0-9]{4}-[01][0-9]-[0-3][0-9])$')
            as slug_parts
    from markets
),

identified as (
    select
        venue,
        market_id,
        outcome,
        event_id,
        title,
        case venue when 'kalshi' then 'kalshi_ticker' else 'polymarket_slug' end as match_rule,
        case venue when 'kalshi' then lower(kalshi_parts[1]) else slug_parts[1] end as league,
        case venue
            when 'kalshi' then to_date(kalshi_parts[2], 'YYMONDD')
            else cast(slug_parts[4] as date)
        end as market_date,
        kalshi_parts[3] as matchup_code,
        slug_parts[2] as away_code,
        slug_parts[3] as home_code,
        kalshi_parts[4] as team_code
    from patterns
),

-- Every way the identifier splits into two known teams (a Kalshi matchup has no separator).
pairs as (
    select distinct
        identified.venue,
        identified.market_id,
        identified.outcome,
        away.espn_abbr as away_team,
        home.espn_abbr as home_team
    from identified
    inner join codes as away
        on identified.venue = away.venue and identified.league = away.league
    inner join codes as home
        on
            identified.venue = home.venue
            and identified.league = home.league
            and away.espn_abbr <> home.espn_abbr
    where
        (identified.venue = 'kalshi' and away.code || home.code = identified.matchup_code)
        or (
            identified.venue = 'polymarket'
            and away.code = identified.away_code
            and home.code = identified.home_code
        )
),

pair_counts as (
    select
        venue,
        market_id,
        outcome,
        count(*) as pair_count,
        min(away_team) as away_team,
        min(home_team) as home_team
    from pairs
    group by venue, market_id, outcome
),

-- The team an outcome is about: Kalshi's ticker suffix, Polymarket's outcome label
-- (nickname, "city nickname" or city), only among the two teams of the game.
outcome_teams as (
    select
        identified.venue,
        identified.market_id,
        identified.outcome,
        count(distinct teams.espn_abbr) as team_count,
        min(teams.espn_abbr) as team
    from identified
    inner join pair_counts
        on
            identified.venue = pair_counts.venue
            and identified.market_id = pair_counts.market_id
            and identified.outcome = pair_counts.outcome
            and pair_counts.pair_count = 1
    inner join teams
        on
            identified.league = teams.league
            and teams.espn_abbr in (pair_counts.away_team, pair_counts.home_team)
    where
        (identified.venue = 'kalshi' and identified.team_code in (teams.kalshi_code, teams.espn_abbr))
        or (
            identified.venue = 'polymarket'
            and identified.outcome in (
                lower(teams.nickname), lower(teams.city || ' ' || teams.nickname), lower(teams.city)
            )
        )
    group by identified.venue, identified.market_id, identified.outcome
)

select
    identified.venue,
    identified.market_id,
    identified.outcome,
    identified.event_id,
    identified.title,
    identified.match_rule,
    identified.league,
    identified.market_date,
    pair_counts.away_team,
    pair_counts.home_team,
    case when outcome_teams.team_count = 1 then outcome_teams.team end as team,
    case
        when coalesce(pair_counts.pair_count, 0) <> 1 then null
        when identified.venue = 'kalshi' and identified.team_code = 'TIE'
            then case identified.outcome when 'yes' then 'tie' else 'no_tie' end
        when coalesce(outcome_teams.team_count, 0) <> 1 then 'other'
        when identified.venue = 'kalshi' and identified.outcome = 'no' then 'team_does_not_win'
        else 'team_wins'
    end as proposition,
    case
        when identified.league is null then 'unparsed_identifier'
        when pair_counts.pair_count is null then 'unknown_teams'
        when pair_counts.pair_count > 1 then 'ambiguous_teams'
        else 'parsed'
    end as parse_status
from identified
left join pair_counts
    on
        identified.venue = pair_counts.venue
        and identified.market_id = pair_counts.market_id
        and identified.outcome = pair_counts.outcome
left join outcome_teams
    on
        identified.venue = outcome_teams.venue
        and identified.market_id = outcome_teams.market_id
        and identified.outcome = outcome_teams.outcome
