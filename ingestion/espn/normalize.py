"""ESPN event -> one game observation in our vocabulary (CONTRACT §5, core.game_states).

Rules that are easy to get wrong:
- home/away come from each competitor's `homeAway`, never from the array order;
- a postponed or canceled game has `state` "post" but is not final: final is decided by the
  status name (or, for a name we do not know, by `completed`), never by `state` alone;
- scores are NULL until the game has started (ESPN sends "0" for scheduled games);
- the winner is set only when final (NULL for a tie); `period` above regulation means overtime.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ingestion.espn.models import Competitor, Event, Status

# ESPN status names across sports -> CONTRACT §5 vocabulary.
STATUS = {
    "STATUS_SCHEDULED": "scheduled",
    "STATUS_TBD": "scheduled",
    "STATUS_IN_PROGRESS": "in_progress",
    "STATUS_FIRST_HALF": "in_progress",
    "STATUS_SECOND_HALF": "in_progress",
    "STATUS_OVERTIME": "in_progress",
    "STATUS_SHOOTOUT": "in_progress",
    "STATUS_HALFTIME": "halftime",
    "STATUS_HALFTIME_ET": "halftime",
    "STATUS_END_PERIOD": "end_period",
    "STATUS_END_OF_REGULATION": "end_period",
    "STATUS_END_OF_EXTRATIME": "end_period",
    "STATUS_FINAL": "final",
    "STATUS_FINAL_OT": "final",
    "STATUS_FINAL_OVERTIME": "final",
    "STATUS_FULL_TIME": "final",
    "STATUS_FINAL_AET": "final",
    "STATUS_FINAL_PEN": "final",
    "STATUS_FORFEIT": "final",
    "STATUS_POSTPONED": "postponed",
    "STATUS_CANCELED": "canceled",
    "STATUS_CANCELLED": "canceled",
    "STATUS_ABANDONED": "canceled",
    "STATUS_DELAYED": "delayed",
    "STATUS_RAIN_DELAY": "delayed",
    "STATUS_WEATHER_DELAY": "delayed",
    "STATUS_SUSPENDED": "delayed",
}
LIVE = ("in_progress", "halftime", "end_period", "delayed")


def map_status(status: Status) -> str:
    known = STATUS.get(status.type.name.upper())
    if known:
        return known
    state = (status.type.state or "").lower()
    if state == "pre":
        return "scheduled"
    if state == "in":
        return "in_progress"
    if state == "post" and status.type.completed:
        return "final"
    raise ValueError(
        f"unknown ESPN status {status.type.name!r} (state {status.type.state!r}, completed "
        f"{status.type.completed}): cannot tell final from postponed; add it to STATUS in "
        "ingestion/espn/normalize.py"
    )


def parse_time(value: str) -> datetime:
    """ESPN writes `2025-11-23T18:00Z` (no seconds); ISO forms with seconds/offsets also pass."""
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"start time {value!r} has no time zone")
    return parsed.astimezone(UTC)


def _score(competitor: Competitor) -> int:
    if competitor.score is None:
        raise ValueError(f"{competitor.team.abbreviation}: game has started but score is missing")
    text = competitor.score
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        team = competitor.team.abbreviation
        raise ValueError(f"{team}: score {competitor.score!r} is not a whole number")
    return int(text)


def _sides(competitors: list[Competitor]) -> tuple[Competitor, Competitor]:
    home = [c for c in competitors if c.home_away.lower() == "home"]
    away = [c for c in competitors if c.home_away.lower() == "away"]
    if len(home) != 1 or len(away) != 1:
        raise ValueError(
            f"expected one home and one away competitor, got {len(home)} home / {len(away)} away"
        )
    return home[0], away[0]


def _winner(home: Competitor, away: Competitor, home_score: int, away_score: int) -> str | None:
    flagged = [c for c in (home, away) if c.winner is True]
    if len(flagged) == 1:
        return flagged[0].team.abbreviation
    if home_score == away_score:
        return None  # a tied final has no winner
    return (home if home_score > away_score else away).team.abbreviation


def game_row(event: Event, league: str, observed_at: datetime) -> dict:
    competition = event.competitions[0]
    status = competition.status or event.status
    if status is None:
        raise ValueError("event has no status")
    ours = map_status(status)
    home, away = _sides(competition.competitors)
    started = ours == "final" or (status.period or 0) > 0
    if ours == "scheduled":
        started = False
    home_score = _score(home) if started else None
    away_score = _score(away) if started else None
    final = ours == "final"
    start = competition.date or event.date
    if not start:
        raise ValueError("event has no start date")
    return {
        "league": league,
        "game_id": event.id,
        "start_time": parse_time(start),
        "home_team": home.team.abbreviation,
        "away_team": away.team.abbreviation,
        "home_name": home.team.display_name,
        "away_name": away.team.display_name,
        "home_score": home_score,
        "away_score": away_score,
        "period": status.period if started else None,
        "clock": status.display_clock if started else None,
        "status": ours,
        "status_raw": status.type.name,
        "status_state": status.type.state,
        "status_detail": status.type.detail or status.type.description,
        "completed": final,
        "winner": _winner(home, away, home_score, away_score) if final else None,
        "observed_at": observed_at,
    }
