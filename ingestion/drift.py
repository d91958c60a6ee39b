"""Schema and unit drift of the venues' answers (issue 16), detected in one place for every model.

Every wire model derives from `ingestion.wire.Wire`, whose `model_validate` shows the record, as
the venue sent it, to the page being parsed (`watching()`, opened by `quarantine.partition`).
At the end of the page its findings are judged per field:

- `added`: a field the model neither declares nor lists as known (`wire_known`) - warns;
- `missing`: a required field absent from every record of the page - blocks;
- `returned`: a field the venue removed (`wire_removed`) is back - blocks;
- `type_changed`: a field whose JSON kind (string/number/boolean/object/array) is not the one
  its annotation reads, in most records of the page that carry it - blocks;
- `unit`: values trip one of the source's unit rules (`unit_rules`: field pattern -> check,
  declared in the source's models module), e.g. a price above 1 (cents?), in most records of
  the page that carry the field - blocks.

A field missing, mistyped or out of range in a few records of a page is a bad record, not
drift: that record alone is quarantined, as before (a Kalshi market priced 1.25 among good
ones). Blocking drift quarantines the whole page and holds the stream's cursor
(ingestion/loader.py); the Dagster check `schema_drift` names field and page.
"""

from __future__ import annotations

import fnmatch
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import psycopg
from pydantic import BaseModel

BLOCKING = frozenset({"missing", "returned", "type_changed", "unit"})
SCALAR = frozenset({"string", "number"})
ANY_KIND = frozenset({"string", "number", "boolean", "object", "array"})
EPOCH_MS_FLOOR = Decimal(10) ** 11  # an epoch below this is in seconds (before 1973 in ms)


# --- unit checks: each returns why the value looks like another unit, or None ----------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def above_one(value: Any) -> str | None:
    """A price of one contract in dollars lies in [0, 1]; above 1 it is likely in cents."""
    number = _number(value)
    if number is not None and number > 1:
        return f"{value!r} is above 1 (a price in cents?)"
    return None


def epoch_seconds(value: Any) -> str | None:
    """A time the venue documents in Unix milliseconds, sent in seconds."""
    number = _number(value)
    if number is not None and 0 < number < EPOCH_MS_FLOOR:
        return f"{value!r} is Unix seconds, not milliseconds"
    return None


def decimal_point(value: Any) -> str | None:
    """An amount the venue documents in integer base units (wei), sent with a decimal point."""
    if isinstance(value, str | Decimal | float) and "." in str(value):
        return f"{value!r} has a decimal point (not integer base units)"
    return None


@dataclass(frozen=True)
class UnitRule:
    """`pattern` (fnmatch) on a field's name as sent; `check` says why a value looks wrong."""

    pattern: str
    check: Callable[[Any], str | None]

    def applies(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.pattern)


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    field: str  # path as sent: `yes_price`, `marginSummary.accountValue`, `competitions[].date`
    change: str
    detail: str

    @property
    def is_blocking(self) -> bool:
        return self.change in BLOCKING

    def describe(self) -> str:
        return f"{self.field} {self.change}: {self.detail}"


@dataclass
class PageDrift:
    """What the records of one page showed, judged by `findings()` once the page is parsed."""

    objects: Counter = field(default_factory=Counter)  # path of an object -> records
    absent: Counter = field(default_factory=Counter)  # required field path -> records without
    present: Counter = field(default_factory=Counter)  # field path -> records carrying it
    mistyped: dict[str, list[str]] = field(default_factory=dict)  # path -> kinds not expected
    expected: dict[str, frozenset[str]] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)  # path -> kind of the first value
    returned: dict[str, Any] = field(default_factory=dict)
    units: dict[str, list[str]] = field(default_factory=dict)  # path -> why, per tripped value
    unit_checked: Counter = field(default_factory=Counter)  # path -> values a rule looked at

    def findings(self) -> list[Drift]:
        out = [
            Drift(p, "added", f"not in the model (first value: {k})") for p, k in self.added.items()
        ]
        out += [
            Drift(p, "returned", f"a field the venue removed is back (value {v!r})")
            for p, v in self.returned.items()
        ]
        for path, count in self.absent.items():
            if count == self.objects[_parent(path)]:
                out.append(Drift(path, "missing", f"required, absent from all {count} record(s)"))
        for path, kinds in self.mistyped.items():
            if _most(len(kinds), self.present[path]):
                expected = "/".join(sorted(self.expected[path]))
                share = _share(kinds, self.present[path])
                detail = f"sent as {kinds[0]} where the model reads {expected} ({share})"
                out.append(Drift(path, "type_changed", detail))
        for path, whys in self.units.items():
            if _most(len(whys), self.unit_checked[path]):
                share = _share(whys, self.unit_checked[path])
                out.append(Drift(path, "unit", f"{whys[0]} ({share})"))
        return sorted(out, key=lambda d: (not d.is_blocking, d.field, d.change))


def _most(count: int, of: int) -> bool:
    return of > 0 and count * 2 > of


def _share(items: list, of: int) -> str:
    return f"{len(items)} of {of} record(s)"


def _parent(path: str) -> str:
    head, _, _ = path.rpartition(".")
    return head


_page: ContextVar[PageDrift | None] = ContextVar("tradelake_page_drift", default=None)


@contextmanager
def watching() -> Iterator[PageDrift]:
    """Collect what every wire model validated inside the block shows (one page)."""
    seen = PageDrift()
    token = _page.set(seen)
    try:
        yield seen
    finally:
        _page.reset(token)


def observe(model: type[BaseModel], data: Any) -> None:
    """Called by Wire.model_validate: note the record's shape on the page being watched."""
    seen = _page.get()
    if seen is not None and isinstance(data, dict):
        _walk(seen, model, data, "")


def json_kind(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The wire model a field holds, and whether it holds a list of them."""
    for arg in _members(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg, False
        if typing.get_origin(arg) in (list, tuple):
            inner = [a for a in typing.get_args(arg) if isinstance(a, type)]
            if inner and issubclass(inner[0], BaseModel):
                return inner[0], True
    return None, False


def _members(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def expected_kinds(annotation: Any) -> frozenset[str]:
    """The JSON kinds a field's annotation reads (numbers and strings alike for a scalar: venues
    send amounts both ways and the validators read both exactly)."""
    kinds: set[str] = set()
    for arg in _members(annotation):
        origin = typing.get_origin(arg) or arg
        if arg is Any:
            return ANY_KIND
        if origin is bool:
            kinds.add("boolean")
        elif origin in (list, tuple, set):
            kinds.add("array")
        elif origin is dict or (isinstance(origin, type) and issubclass(origin, BaseModel)):
            kinds.add("object")
        elif origin is typing.Literal or origin in (str, int, float, Decimal, datetime, date):
            kinds |= SCALAR
        else:
            return ANY_KIND
    return frozenset(kinds) or ANY_KIND


@dataclass(frozen=True)
class _Field:
    wire: str  # the name as sent (alias)
    name: str  # the attribute name (accepted too: populate_by_name)
    required: bool
    kinds: frozenset[str]
    nested: type[BaseModel] | None
    many: bool


@dataclass(frozen=True)
class _Shape:
    """What a model expects, worked out once per model (the walk runs for every record)."""

    fields: tuple[_Field, ...]
    known: frozenset[str]
    removed: frozenset[str]
    rules: tuple[UnitRule, ...]
    record_extra: bool
    rule_of: dict[str, UnitRule | None] = field(default_factory=dict)  # key -> its rule, cached

    def rule_for(self, key: str) -> UnitRule | None:
        if key not in self.rule_of:
            self.rule_of[key] = next((r for r in self.rules if r.applies(key)), None)
        return self.rule_of[key]


_shapes: dict[type[BaseModel], _Shape] = {}


def _shape(model: type[BaseModel]) -> _Shape:
    shape = _shapes.get(model)
    if shape is None:
        overrides: dict[str, frozenset[str]] = getattr(model, "wire_kinds", {})
        fields = []
        for name, info in model.model_fields.items():
            wire = info.alias or name
            nested, many = _nested_model(info.annotation)
            kinds = overrides.get(wire) or expected_kinds(info.annotation)
            fields.append(_Field(wire, name, info.is_required(), kinds, nested, many))
        known = {f.wire for f in fields} | {f.name for f in fields}
        shape = _shapes[model] = _Shape(
            fields=tuple(fields),
            known=frozenset(known | set(getattr(model, "wire_known", ()))),
            removed=frozenset(getattr(model, "wire_removed", ())),
            rules=tuple(getattr(model, "unit_rules", ())),
            record_extra=getattr(model, "wire_extra", "record") == "record",
        )
    return shape


def _walk(seen: PageDrift, model: type[BaseModel], data: dict, prefix: str) -> None:
    shape = _shape(model)
    seen.objects[prefix] += 1
    for f in shape.fields:
        path = f"{prefix}.{f.wire}" if prefix else f.wire
        key = f.wire if f.wire in data else f.name if f.name in data else None
        if key is None:
            if f.required:
                seen.absent[path] += 1
            continue
        value = data[key]
        kind = json_kind(value)
        if kind is None:
            continue
        seen.present[path] += 1
        if kind not in f.kinds:
            seen.expected[path] = f.kinds
            seen.mistyped.setdefault(path, []).append(kind)
        if f.nested is not None:
            for item in value if (f.many and isinstance(value, list)) else [value]:
                if isinstance(item, dict):
                    _walk(seen, f.nested, item, f"{path}[]" if f.many else path)
    for key, value in data.items():
        if key in shape.removed:
            if value is not None:
                seen.returned.setdefault(f"{prefix}.{key}" if prefix else key, value)
        elif shape.record_extra and key not in shape.known:
            seen.added.setdefault(f"{prefix}.{key}" if prefix else key, json_kind(value) or "null")
        rule = shape.rule_for(key) if shape.rules else None
        if rule is not None and value is not None and value != "":
            path = f"{prefix}.{key}" if prefix else key
            seen.unit_checked[path] += 1
            why = rule.check(value)
            if why:
                seen.units.setdefault(path, []).append(why)


# --- ops.schema_drift --------------------------------------------------------------------------

RECORD = """
insert into ops.schema_drift
    (source, stream, field, change, is_blocking, detail, page_id, last_page_id)
values (%s, %s, %s, %s, %s, %s, %s, %s)
on conflict (source, stream, field, change) do update
    set last_seen_at = now(), last_page_id = excluded.last_page_id,
        seen_count = ops.schema_drift.seen_count + 1, cleared_at = null
"""

OPEN_BLOCKING = """
select exists (
    select 1 from ops.schema_drift
    where source = %s and stream = %s and is_blocking and cleared_at is null
)
"""


@dataclass(frozen=True)
class PageFindings:
    """The drift one page of a stream showed (attached to its rejects by partition)."""

    source: str
    stream: str
    page_id: int | None
    drift: tuple[Drift, ...]

    @property
    def blocking(self) -> list[Drift]:
        return [d for d in self.drift if d.is_blocking]

    def reason(self) -> str:
        """The quarantine reason of the page's records: every blocking field, and the page."""
        fields = "; ".join(d.describe() for d in self.blocking)
        return f"schema drift on page {self.page_id} of {self.source}.{self.stream}: {fields}"


def _has_table(conn: psycopg.Connection) -> bool:
    """False on a database not migrated to 0218 yet (a sync run before `tradelake migrate`, as
    the upgrade tests do): drift then still quarantines, but is neither kept nor holds cursors."""
    row = conn.execute("select to_regclass('ops.schema_drift') is not null").fetchone()
    return bool(row and row[0])


def record(conn: psycopg.Connection, found: PageFindings) -> None:
    """Once per (source, stream, field, change): first seen and its page kept, later sightings
    counted; a cleared row seen again is open again."""
    if not _has_table(conn):
        return
    for d in found.drift:
        conn.execute(
            RECORD,
            (
                found.source,
                found.stream,
                d.field,
                d.change,
                d.is_blocking,
                d.detail,
                found.page_id,
                found.page_id,
            ),
        )


def has_open_blocking(conn: psycopg.Connection, source: str, stream: str) -> bool:
    if not _has_table(conn):
        return False
    row = conn.execute(OPEN_BLOCKING, (source, stream)).fetchone()
    return bool(row and row[0])
