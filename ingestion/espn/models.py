"""Wire models for the scoreboard, lenient on purpose: ESPN adds and drops fields without notice.

Only the fields the game state needs are declared; everything else is ignored (and still kept in
raw.pages). A score arrives as a string ("27") on the scoreboard and as an object
({"value": 27.0, "displayValue": "27"}) on some sibling endpoints: both are accepted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, field_validator

from ingestion.wire import Wire


class _Wire(Wire):
    """Undeclared fields are not recorded as drift (the scoreboard carries hundreds the game
    state never reads); a required field missing or a changed type still is."""

    model_config = ConfigDict(extra="ignore", frozen=False, populate_by_name=True)
    wire_extra = "ignore"


class Team(_Wire):
    abbreviation: str = Field(min_length=1)
    display_name: str | None = Field(default=None, alias="displayName")


class Competitor(_Wire):
    wire_kinds: ClassVar[dict[str, frozenset[str]]] = {
        "score": frozenset({"string", "number", "object"})
    }

    home_away: str = Field(alias="homeAway")
    team: Team
    score: str | None = None  # a string, or an object on sibling endpoints
    winner: bool | None = None

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> str | None:
        if isinstance(value, dict):
            value = value.get("displayValue", value.get("value"))
        if value is None or value == "":
            return None
        if isinstance(value, Decimal | int | float):
            return str(value)
        return str(value).strip()


class StatusType(_Wire):
    name: str = Field(min_length=1)
    state: str | None = None
    completed: bool = False
    description: str | None = None
    detail: str | None = None


class Status(_Wire):
    period: int | None = None
    display_clock: str | None = Field(default=None, alias="displayClock")
    type: StatusType


class Competition(_Wire):
    date: str | None = None
    competitors: list[Competitor]
    status: Status | None = None


class Event(_Wire):
    id: str = Field(min_length=1)
    date: str | None = None
    name: str | None = None
    competitions: list[Competition] = Field(min_length=1)
    status: Status | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value
