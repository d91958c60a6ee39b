"""Reference data (CONTRACT §7) from CSV files into the `ref` schema.

The trading side owns `ref`: strategies and probability models are immutable versions, order tags
link own orders to them, challenges hold a prop-firm challenge's rules (immutable rows). This
loader reads one `<table>.csv` per ref table from a directory and inserts the rows with
`ON CONFLICT DO NOTHING`, because the tables refuse UPDATE and DELETE: a re-load of the same
files is a no-op. A row whose key already exists with *different* immutable content is an error
(write a new version instead), never a silent win or loss.

CSV conventions: a header row with column names of the table; JSON columns hold JSON text; an
empty cell is NULL, except that an empty cell of a column with a database default (status,
situational_factors, tagged_at, min_trading_days) takes that default. The whole directory loads
in one transaction: a bad row raises `RefDataError` naming the file and line, and nothing of
that load is kept.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb


class RefDataError(ValueError):
    """A reference-data row that cannot be loaded; the message names file and line."""


@dataclass(frozen=True)
class RefTable:
    name: str
    key: tuple[str, ...]
    # column -> kind: text, numeric, integer, json, timestamp, confidence (a word or a number,
    # stored as text exactly as written)
    columns: dict[str, str]
    required: tuple[str, ...]
    defaulted: tuple[str, ...] = ()
    # columns that may legitimately differ from the stored row on re-load (mutable by design)
    mutable: tuple[str, ...] = ()


# In foreign-key order: order_tags and model_probabilities reference strategies/models.
REF_TABLES: tuple[RefTable, ...] = (
    RefTable(
        "strategies",
        key=("strategy_name", "strategy_version"),
        columns={
            "strategy_name": "text",
            "strategy_version": "text",
            "strategy_type": "text",
            "config": "json",
            "status": "text",
        },
        required=("strategy_name", "strategy_version", "strategy_type", "config"),
        defaulted=("status",),
        mutable=("status",),
    ),
    RefTable(
        "probability_models",
        key=("model_name", "model_version"),
        columns={
            "model_name": "text",
            "model_version": "text",
            "model_type": "text",
            "config": "json",
            "status": "text",
        },
        required=("model_name", "model_version", "model_type", "config"),
        defaulted=("status",),
        mutable=("status",),
    ),
    RefTable(
        "order_tags",
        key=("venue", "order_id"),
        columns={
            "venue": "text",
            "order_id": "text",
            "strategy_name": "text",
            "strategy_version": "text",
            "model_name": "text",
            "model_version": "text",
            "edge_at_execution": "numeric",
            "confidence_at_execution": "confidence",
            "tagged_at": "timestamp",
            # optional (migration 0222): a file written before them simply has no such column
            "exit_condition": "text",
            "exit_priority": "priority",
        },
        required=("venue", "order_id", "strategy_name", "strategy_version"),
        defaulted=("tagged_at",),
        mutable=("tagged_at",),
    ),
    RefTable(
        "model_probabilities",
        key=("model_name", "model_version", "venue", "market_id", "outcome", "computed_at"),
        columns={
            "model_name": "text",
            "model_version": "text",
            "venue": "text",
            "market_id": "text",
            "outcome": "text",
            "probability": "numeric",
            "computed_at": "timestamp",
        },
        required=(
            "model_name",
            "model_version",
            "venue",
            "market_id",
            "outcome",
            "probability",
            "computed_at",
        ),
    ),
    RefTable(
        "probability_matrices",
        key=(
            "category",
            "subcategory",
            "version",
            "state_descriptor",
            "value_bucket",
            "situational_factors",
        ),
        columns={
            "category": "text",
            "subcategory": "text",
            "version": "text",
            "state_descriptor": "text",
            "value_bucket": "text",
            "situational_factors": "json",
            "win_probability": "numeric",
            "sample_size": "integer",
        },
        required=(
            "category",
            "subcategory",
            "version",
            "state_descriptor",
            "value_bucket",
            "win_probability",
            "sample_size",
        ),
        defaulted=("situational_factors",),
    ),
    RefTable(
        "challenges",
        key=("challenge_id",),
        columns={
            "challenge_id": "text",
            "venue": "text",
            "account": "text",
            "initial_balance": "numeric",
            "profit_target_pct": "numeric",
            "max_daily_drawdown_pct": "numeric",
            "max_total_drawdown_pct": "numeric",
            "min_trading_days": "integer",
            "max_days": "integer",
            "started_at": "timestamp",
        },
        required=(
            "challenge_id",
            "venue",
            "account",
            "initial_balance",
            "profit_target_pct",
            "max_daily_drawdown_pct",
            "max_total_drawdown_pct",
            "max_days",
            "started_at",
        ),
        defaulted=("min_trading_days",),
    ),
)


# CONTRACT §7: confidence_at_execution is text, as the bot writes it: `high`, `medium`, `low`
# (any case) or a number in [0, 1], kept as its text. Same rule as the check of migration 0203.
CONFIDENCE_WORDS = ("high", "medium", "low")
CONFIDENCE_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _parse_confidence(raw: str) -> str:
    if raw.lower() in CONFIDENCE_WORDS:
        return raw
    if CONFIDENCE_NUMBER.match(raw) and Decimal(0) <= Decimal(raw) <= Decimal(1):
        return raw
    raise ValueError(f"expected high, medium, low or a number in [0, 1], got {raw!r}")


# CONTRACT §7: exit_priority is one of these (any case in the file, stored upper case, as the
# check of migration 0222 wants it).
EXIT_PRIORITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


def _parse_priority(raw: str) -> str:
    if raw.upper() in EXIT_PRIORITIES:
        return raw.upper()
    raise ValueError(f"expected one of {', '.join(EXIT_PRIORITIES)}, got {raw!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, str) and CONFIDENCE_NUMBER.match(value) is not None


def _parse(kind: str, raw: str) -> Any:
    if kind == "confidence":
        return _parse_confidence(raw)
    if kind == "priority":
        return _parse_priority(raw)
    if kind == "text" or kind == "timestamp":  # timestamps are parsed (and checked) by PostgreSQL
        return raw
    if kind == "numeric":
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"not a number: {raw!r}") from None
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"not an integer: {raw!r}") from None
    try:
        return Jsonb(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg}): {raw!r}") from None


def _row_values(table: RefTable, row: dict[str, str | None]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, raw in row.items():
        cell = (raw or "").strip()
        if cell == "":
            if column in table.required:
                raise ValueError(f"{column} is required")
            if column in table.defaulted:
                continue  # let the database default apply
            values[column] = None
            continue
        try:
            values[column] = _parse(table.columns[column], cell)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None
    missing = [c for c in table.required if c not in values]
    if missing:
        raise ValueError(f"missing required column(s) {missing}")
    return values


def _insert(conn: psycopg.Connection, table: RefTable, values: dict[str, Any]) -> bool:
    names = list(values)
    stmt = sql.SQL("insert into {t} ({cols}) values ({vals}) on conflict do nothing").format(
        t=sql.Identifier("ref", table.name),
        cols=sql.SQL(", ").join(map(sql.Identifier, names)),
        vals=sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )
    return conn.execute(stmt, [values[n] for n in names]).rowcount == 1


def _differences(conn: psycopg.Connection, table: RefTable, values: dict[str, Any]) -> list[str]:
    """Columns whose given value differs from the stored row with the same key (compared in SQL,
    so numeric/json/timestamp equality follows PostgreSQL's semantics, e.g. 0.10 = 0.1)."""
    compared = [c for c in values if c not in table.key and c not in table.mutable]
    if not compared:
        return []
    # a confidence written as a number compares as a number (0.6 = 0.60), a word as its text
    number = sql.SQL(
        "(case when {col} ~ {pattern} then {col}::numeric is distinct from {val}::numeric "
        "else true end)"
    )
    casts = {
        "numeric": "numeric",
        "integer": "integer",
        "json": "jsonb",
        "timestamp": "timestamptz",
    }
    checks = sql.SQL(", ").join(
        number.format(
            col=sql.Identifier(c),
            val=sql.Placeholder(),
            pattern=sql.Literal(CONFIDENCE_NUMBER.pattern),
        )
        if table.columns[c] == "confidence" and _is_number(values[c])
        else sql.SQL("({col} is distinct from {val}::{typ})").format(
            col=sql.Identifier(c),
            val=sql.Placeholder(),
            typ=sql.SQL(casts.get(table.columns[c], "text")),
        )
        for c in compared
    )
    where = sql.SQL(" and ").join(
        sql.SQL("{col} = {val}::{typ}").format(
            col=sql.Identifier(c),
            val=sql.Placeholder(),
            typ=sql.SQL(casts.get(table.columns[c], "text")),
        )
        for c in table.key
    )
    stmt = sql.SQL("select {checks} from {t} where {where}").format(
        checks=checks, t=sql.Identifier("ref", table.name), where=where
    )
    key_values = [values.get(c, Jsonb({})) for c in table.key]
    found = conn.execute(stmt, [values[c] for c in compared] + key_values).fetchone()
    if found is None:
        return []
    return [c for c, differs in zip(compared, found, strict=True) if differs]


def load_ref_file(conn: psycopg.Connection, table: RefTable, path: Path) -> int:
    """Insert one CSV file into `ref.<table>`; returns the number of new rows."""
    inserted = 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in table.columns]
        if unknown:
            raise RefDataError(
                f"{path}:1: unknown column(s) {unknown} for ref.{table.name} "
                f"(expected some of {list(table.columns)})"
            )
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:
                raise RefDataError(f"{where}: more cells than header columns")
            try:
                values = _row_values(table, row)
            except ValueError as exc:
                raise RefDataError(f"{where}: {exc}") from None
            try:
                with conn.transaction():  # savepoint: name the line if the database refuses it
                    if _insert(conn, table, values):
                        inserted += 1
                        continue
                    changed = _differences(conn, table, values)
            except psycopg.Error as exc:
                detail = (exc.diag.message_primary or str(exc)).strip()
                raise RefDataError(f"{where}: ref.{table.name} refused the row: {detail}") from exc
            if changed:
                raise RefDataError(
                    f"{where}: ref.{table.name} already holds this key with different {changed}; "
                    "rows are immutable: write a new version instead"
                )
    return inserted


def load_ref_dir(conn: psycopg.Connection, directory: Path) -> dict[str, int]:
    """Load every `<ref table>.csv` in `directory` (in foreign-key order), in one transaction.

    Returns rows inserted per table name (only tables whose file exists). Other files are
    ignored. Re-loading the same files inserts nothing.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RefDataError(f"{directory}: not a directory")
    counts: dict[str, int] = {}
    with conn.transaction():
        for table in REF_TABLES:
            path = directory / f"{table.name}.csv"
            if path.is_file():
                counts[table.name] = load_ref_file(conn, table, path)
    return counts
