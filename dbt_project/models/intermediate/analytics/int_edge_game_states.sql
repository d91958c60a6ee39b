-- The game state valid at each observation of a linked team proposition (`team_wins` /
-- `team_does_not_win`) and what a probability matrix looks it up by: state descriptor and
-- value bucket. The second step of marts.edges (see its docs for the vocabulary).
with observations as (
    select * from {{ ref('int_edge_observations') }}
),

games as (
    select league, game_id, home_team from {{ ref('game_states') }}
),

-- The game state valid at the observation; before kickoff with no observation yet, pregame. A
-- live state more than 30 minutes old is stale (nobody polled the game then) and is not used.
states as (
    select
        observations.*,
        games.home_team,
        history.status as game_status,
        history.period,
        history.valid_from as game_state_valid_from,
        case
            when observations.team = games.home_team
                then coalesce(history.home_score, 0) - coalesce(history.away_score, 0)
            else coalesce(history.away_score, 0) - coalesce(history.home_score, 0)
        end as team_margin
    from observations
    inner join games
        on observations.league = games.league and observations.game_id = games.game_id
    left join {{ ref('game_state_history') }} as history
        on
            observations.league = history.league
            and observations.game_id = history.game_id
            and observations.observed_at >= history.valid_from
            and (history.valid_to is null or observations.observed_at < history.valid_to)
            and (
                history.status not in ('in_progress', 'halftime', 'end_period')
                or observations.observed_at < history.valid_from + interval '30 minutes'
            )
    where observations.proposition in ('team_wins', 'team_does_not_win')
),

described as (
    select
        states.*,
        case
            when states.game_status is null and states.observed_at < states.game_start_time then 'pregame'
            when states.game_status in ('scheduled', 'delayed') and coalesce(states.period, 0) = 0 then 'pregame'
            when states.game_status = 'halftime' then 'halftime'
            when states.game_status in ('in_progress', 'end_period', 'delayed') and states.period between 1 and 4
                then 'q' || states.period
            when states.game_status in ('in_progress', 'end_period', 'delayed') and states.period > 4 then 'ot'
        end as game_state_descriptor,
        case
            when abs(states.team_margin) = 0 then '0'
            when abs(states.team_margin) <= 3 then '1-3'
            when abs(states.team_margin) <= 6 then '4-6'
            when abs(states.team_margin) <= 10 then '7-10'
            when abs(states.team_margin) <= 14 then '11-14'
            when abs(states.team_margin) <= 21 then '15-21'
            else '22+'
        end as value_bucket
    from states
)

select * from described
