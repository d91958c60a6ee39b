"""Each normalisation rule, parametrised over the recorded scoreboards."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ingestion.espn.models import Event, Status
from ingestion.espn.normalize import game_row, map_status, parse_time
from tests.espn.conftest import NOW, recorded_events

EVENTS = {
    e["id"]: e
    for name in ("scoreboard_nfl_current.json", "scoreboard_nfl_2025_11.json",
                 "scoreboard_nfl_2026_11.json")
    for e in recorded_events(name)
}  # fmt: skip

# game_id: (status, home, away, home_score, away_score, period, completed, winner)
EXPECTED = {
    "401772810": ("final", "BUF", "KC", 27, 20, 4, True, "BUF"),
    "401772811": ("final", "CAR", "ATL", 20, 20, 5, True, None),  # tied OT final: no winner
    "401773001": ("final", "DEN", "KC", 20, 24, 4, True, "KC"),
    "401773050": ("final", "LAR", "PHI", 24, 27, 5, True, "PHI"),  # OT, listed home-first
    "401773060": ("in_progress", "MIA", "NYJ", 17, 10, 3, False, None),
    "401773061": ("halftime", "DET", "GB", 10, 14, 2, False, None),
    "401773062": ("end_period", "SF", "SEA", 0, 3, 1, False, None),
    "401773065": ("delayed", "MIN", "CHI", 7, 7, 2, False, None),
    "401773063": ("scheduled", "PIT", "CIN", None, None, None, False, None),
    "401773080": ("scheduled", "DAL", "KC", None, None, None, False, None),
    "401773064": ("postponed", "WSH", "NYG", None, None, None, False, None),  # state "post"
    "401773067": ("canceled", "JAX", "TEN", None, None, None, False, None),
}


@pytest.mark.parametrize("game_id", sorted(EXPECTED))
def test_recorded_games(game_id):
    row = game_row(Event.model_validate(EVENTS[game_id]), "nfl", NOW)
    got = tuple(
        row[k]
        for k in ("status", "home_team", "away_team", "home_score", "away_score", "period",
                  "completed", "winner")
    )  # fmt: skip
    assert got == EXPECTED[game_id]
    assert row["league"] == "nfl" and row["game_id"] == game_id and row["observed_at"] == NOW
    assert row["status_raw"].startswith("STATUS_")


def test_home_away_from_payload_not_array_order():
    event = EVENTS["401773050"]
    assert event["competitions"][0]["competitors"][0]["homeAway"] == "home"
    swapped = {**event, "competitions": [{**event["competitions"][0]}]}
    swapped["competitions"][0]["competitors"] = list(
        reversed(event["competitions"][0]["competitors"])
    )
    for e in (event, swapped):
        row = game_row(Event.model_validate(e), "nfl", NOW)
        assert (row["home_team"], row["away_team"]) == ("LAR", "PHI")


def test_clock_and_times():
    live = game_row(Event.model_validate(EVENTS["401773060"]), "nfl", NOW)
    assert live["clock"] == "8:12" and live["status_detail"] == "8:12 - 3rd Quarter"
    scheduled = game_row(Event.model_validate(EVENTS["401773063"]), "nfl", NOW)
    assert scheduled["clock"] is None  # nothing runs before kickoff
    assert scheduled["start_time"].isoformat() == "2026-11-24T01:15:00+00:00"
    assert parse_time("2025-11-23T18:00Z").isoformat() == "2025-11-23T18:00:00+00:00"
    assert parse_time("2025-11-23T13:00:00-05:00").isoformat() == "2025-11-23T18:00:00+00:00"
    with pytest.raises(ValueError, match="time zone"):
        parse_time("2025-11-23T18:00")


def status(name: str, state: str | None, completed: bool = False) -> Status:
    return Status.model_validate({"type": {"name": name, "state": state, "completed": completed}})


@pytest.mark.parametrize(
    ("name", "state", "completed", "expected"),
    [
        ("STATUS_FINAL_OVERTIME", "post", True, "final"),
        ("STATUS_RAIN_DELAY", "in", False, "delayed"),
        ("STATUS_CANCELLED", "post", False, "canceled"),
        ("STATUS_SOMETHING_NEW", "pre", False, "scheduled"),  # unknown: fall back on state
        ("STATUS_SOMETHING_NEW", "in", False, "in_progress"),
        ("STATUS_SOMETHING_NEW", "post", True, "final"),
    ],
)
def test_status_mapping(name, state, completed, expected):
    assert map_status(status(name, state, completed)) == expected


def test_unknown_post_status_is_not_guessed():
    with pytest.raises(ValueError, match="cannot tell final from postponed"):
        map_status(status("STATUS_SOMETHING_NEW", "post", False))


def test_score_as_object_and_malformed_records():
    event = EVENTS["401773060"]
    comp = event["competitions"][0]
    as_objects = {
        **event,
        "competitions": [
            {
                **comp,
                "competitors": [
                    {**c, "score": {"value": float(c["score"]), "displayValue": c["score"]}}
                    for c in comp["competitors"]
                ],
            }
        ],
    }
    row = game_row(Event.model_validate(as_objects), "nfl", NOW)
    assert (row["home_score"], row["away_score"]) == (17, 10)

    one_sided = {**event, "competitions": [{**comp, "competitors": comp["competitors"][:1]}]}
    with pytest.raises(ValueError, match="one home and one away"):
        game_row(Event.model_validate(one_sided), "nfl", NOW)
    no_score = {
        **event,
        "competitions": [
            {**comp, "competitors": [{**c, "score": ""} for c in comp["competitors"]]}
        ],
    }
    with pytest.raises(ValueError, match="score is missing"):
        game_row(Event.model_validate(no_score), "nfl", NOW)
    with pytest.raises(ValidationError):
        Event.model_validate({**event, "competitions": []})
