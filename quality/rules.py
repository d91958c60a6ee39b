"""The rules a suite is written in, and how each becomes a Great Expectations expectation.

A rule is data (column, kind, bounds), so suites read as a list of what the venue's docs and
our units promise, and tests can check them without importing Great Expectations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

ADDRESS = r"^0x[0-9a-f]{40}$"
EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)  # nothing we load happened before
CLOCK_SKEW = timedelta(minutes=10)  # an event time later than now + this is "in the future"


@dataclass(frozen=True)
class Rule:
    kind: str  # not_null | between | in_set | regex | past_time | since_2015 | non_empty
    column: str
    args: dict[str, Any] = field(default_factory=dict)
    # A hard rule is a unit or contract promise (a price in [0, 1], a CONTRACT enum): failing it
    # is an ERROR. A soft one (`warn()`) is a WARN: what a mart usually holds, not what it swears.
    hard: bool = True
    # only the rows where this column holds one of these values (e.g. prices in [0, 1] only for
    # the prediction-market venues of core.fills)
    where: tuple[str, tuple[str, ...]] | None = None

    def describe(self) -> str:
        args = "".join(f", {k}={v}" for k, v in self.args.items())
        only = f" where {self.where[0]} in {list(self.where[1])}" if self.where else ""
        return f"{self.kind}({self.column}{args}){only}"


def not_null(column: str) -> Rule:
    return Rule("not_null", column)


def non_empty(column: str) -> Rule:
    """Text ids: present and not blank."""
    return Rule("non_empty", column)


def between(column: str, lo: Any = None, hi: Any = None, *, strict_lo: bool = False) -> Rule:
    return Rule("between", column, {"lo": lo, "hi": hi, "strict_lo": strict_lo})


def positive(column: str) -> Rule:
    return between(column, 0, None, strict_lo=True)


def probability(column: str) -> Rule:
    """A prediction-market price in dollars per contract / USDC per share: [0, 1]."""
    return between(column, 0, 1)


def in_set(column: str, values: list[str]) -> Rule:
    return Rule("in_set", column, {"values": list(values)})


def matches(column: str, pattern: str) -> Rule:
    return Rule("regex", column, {"pattern": pattern})


def address(column: str) -> Rule:
    return Rule("regex", column, {"pattern": ADDRESS})


def since_2015(column: str) -> Rule:
    """A time that may lie ahead (a market's close, a game's start) but not before 2015."""
    return Rule("since_2015", column)


def only(rule: Rule, column: str, values: list[str]) -> Rule:
    """The same rule, on the rows whose `column` is one of `values`."""
    return replace(rule, where=(column, tuple(values)))


def warn(rule: Rule) -> Rule:
    """The same rule, failing as a warning."""
    return replace(rule, hard=False)


def past_time(column: str) -> Rule:
    """An event time: after 2015 and not in the future (beyond a little clock skew)."""
    return Rule("past_time", column)


def to_expectation(rule: Rule, gx: Any, now: datetime) -> Any:
    """The Great Expectations 1.x expectation for `rule` (`gx` is the imported module)."""
    expectation = _expectation(rule, gx, now)
    if rule.where is not None:
        from great_expectations.expectations.row_conditions import Column

        column, values = rule.where
        expectation.row_condition = Column(column).is_in(list(values))
    return expectation


def _expectation(rule: Rule, gx: Any, now: datetime) -> Any:
    e = gx.expectations
    if rule.kind == "not_null":
        return e.ExpectColumnValuesToNotBeNull(column=rule.column)
    if rule.kind == "non_empty":
        return e.ExpectColumnValueLengthsToBeBetween(column=rule.column, min_value=1)
    if rule.kind == "between":
        return e.ExpectColumnValuesToBeBetween(
            column=rule.column,
            min_value=rule.args["lo"],
            max_value=rule.args["hi"],
            strict_min=rule.args["strict_lo"],
        )
    if rule.kind == "in_set":
        return e.ExpectColumnValuesToBeInSet(column=rule.column, value_set=rule.args["values"])
    if rule.kind == "regex":
        return e.ExpectColumnValuesToMatchRegex(column=rule.column, regex=rule.args["pattern"])
    if rule.kind == "since_2015":
        return e.ExpectColumnValuesToBeBetween(column=rule.column, min_value=EARLIEST)
    if rule.kind == "past_time":
        return e.ExpectColumnValuesToBeBetween(
            column=rule.column, min_value=EARLIEST, max_value=now + CLOCK_SKEW
        )
    raise ValueError(f"unknown rule kind {rule.kind!r}")
