"""Wire-format conversions shared by every venue's models (pydantic v2 validators).

Each name says its direction: `datetime_from_epoch_ms` reads a venue's epoch milliseconds,
`epoch_ms_from_datetime` writes one into a request. Everything is exact: ids stay text (a
float id may already have lost digits and is refused), amounts are `Decimal`, times never go
through a float.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ingestion.drift import UnitRule, observe

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_MS_THRESHOLD = Decimal(10) ** 11  # an epoch above this is in ms (year > 5138 in seconds)


class Wire(BaseModel):
    """Base of every wire model: unknown fields ignored, immutable, fields by alias or name.

    `model_validate` first shows the record, as the venue sent it, to the schema-drift watch of
    the page being parsed (ingestion/drift.py). What a model says about its wire format:
    `wire_known`, fields the venue documents that the model does not read (not drift);
    `wire_removed`, fields the venue removed (their return blocks); `wire_kinds`, the JSON kinds a
    field may arrive as when its annotation does not say; `unit_rules`, the source's unit table;
    `wire_extra = "ignore"` for an answer whose undeclared fields are not worth recording.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    wire_known: ClassVar[frozenset[str]] = frozenset()
    wire_removed: ClassVar[frozenset[str]] = frozenset()
    wire_kinds: ClassVar[dict[str, frozenset[str]]] = {}
    unit_rules: ClassVar[tuple[UnitRule, ...]] = ()
    wire_extra: ClassVar[Literal["record", "ignore"]] = "record"

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any):  # type: ignore[override]
        observe(cls, obj)
        return super().model_validate(obj, *args, **kwargs)


def blank(value: Any) -> bool:
    """None, "" or only whitespace: the venue sent no value."""
    return value is None or (isinstance(value, str) and not value.strip())


def exact_text(value: Any) -> str:
    """An id as exact text. JSON integers are exact (the HTTP layer parses them as Python int);
    floats, booleans, fractional numbers and blanks are refused."""
    if blank(value) or isinstance(value, bool | float | dict | list):
        raise ValueError(f"id {value!r} is not exact text")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(f"id {value} is not an integer")
        return str(value.quantize(Decimal(1)))
    return str(value).strip()


def optional_text(value: Any) -> str | None:
    return None if blank(value) else exact_text(value)


def exact_decimal(value: Any) -> Decimal | None:
    """A decimal string (or exact JSON number) as Decimal; blank -> None; floats refused."""
    if blank(value):
        return None
    if isinstance(value, bool | float):
        raise ValueError(f"{value!r} is not an exact decimal")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def non_negative_decimal(value: Any) -> Decimal:
    """A required amount that cannot be below 0 (an equity, a positions value)."""
    number = exact_decimal(value)
    if number is None or number < 0:
        raise ValueError(f"{value!r} must be a decimal of at least 0")
    return number


def datetime_from_epoch_ms(value: Any) -> datetime:
    """A venue's Unix milliseconds (int or digit string) -> UTC datetime, exactly."""
    if blank(value) or isinstance(value, bool | float):
        raise ValueError(f"time {value!r} is not an integer of milliseconds")
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"time {value!r} is not Unix milliseconds (a positive integer)")
    return EPOCH + timedelta(milliseconds=int(text))


def optional_datetime_from_epoch_ms(value: Any) -> datetime | None:
    return None if blank(value) else datetime_from_epoch_ms(value)


def datetime_from_epoch_seconds(value: Any) -> datetime:
    """A venue's Unix seconds -> UTC datetime, exactly; an epoch in milliseconds is recognised
    by its size (both readings occur in Polymarket's APIs)."""
    if blank(value) or isinstance(value, bool | float):
        raise ValueError(f"time {value!r} is not an exact epoch")
    try:
        seconds = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"time {value!r} is not an epoch") from None
    if not seconds.is_finite() or seconds <= 0:
        raise ValueError(f"time {value!r} is not a positive epoch")
    if seconds > EPOCH_MS_THRESHOLD:
        seconds = seconds / 1000
    return EPOCH + timedelta(microseconds=int(seconds * 1_000_000))


def epoch_ms_from_datetime(at: datetime) -> int:
    """A UTC datetime -> Unix milliseconds for a request parameter (exact, no float)."""
    delta = at - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


Id = Annotated[str, BeforeValidator(exact_text)]
OptId = Annotated[str | None, BeforeValidator(optional_text)]
Text = Annotated[str | None, BeforeValidator(lambda v: None if blank(v) else str(v))]
Num = Annotated[Decimal | None, BeforeValidator(exact_decimal)]
Millis = Annotated[datetime | None, BeforeValidator(optional_datetime_from_epoch_ms)]
