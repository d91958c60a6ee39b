"""Row-count volume of each ledger against its own history: an empty day where the stream
usually loads hundreds of rows is a warning (a venue that silently stopped answering, a cursor
stuck, a filter that went wrong), never a failure.

The day is the last complete UTC day before the run; "expected" is the median of the daily row
counts of the `trailing_days` days before it (days with no row count as 0, so a one-off backfill
does not raise the bar); rows are counted by arrival (`loaded_at`), which every ledger has. The
day warns when expected ≥ `min_expected_rows` and the day loaded fewer than `min_ratio` ×
expected. The thresholds are `quality.volume` in tradelake.yaml (ingestion/settings.py).
One query per ledger; the outcome lands in ops.check_results (suite `volume`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

import psycopg

from quality.results import CheckRow, store

SUITE = "volume"
EXPECTATION = "row_count_volume"


@dataclass(frozen=True)
class Threshold:
    trailing_days: int = 7
    min_expected_rows: int = 100
    min_ratio: float = 0.1


@dataclass(frozen=True)
class Volume:
    relation: str
    day: date
    observed: int
    history: tuple[int, ...]  # row counts of the trailing days, oldest first
    threshold: Threshold

    @property
    def expected(self) -> float:
        return float(median(self.history)) if self.history else 0.0

    @property
    def warns(self) -> bool:
        expected = self.expected
        return (
            expected >= self.threshold.min_expected_rows
            and self.observed < expected * self.threshold.min_ratio
        )

    def describe(self) -> str:
        t = self.threshold
        said = (
            f"{self.relation}: {self.observed} row(s) loaded on {self.day} (UTC), expected "
            f"about {self.expected:g} (median of the {t.trailing_days} days before)"
        )
        if self.warns:
            return f"{said}: below {t.min_ratio:.0%} of it"
        return said

    def observed_value(self) -> dict:
        t = self.threshold
        return {
            "day": self.day.isoformat(),
            "rows": self.observed,
            "expected": self.expected,
            "history": list(self.history),
            "trailing_days": t.trailing_days,
            "min_expected_rows": t.min_expected_rows,
            "min_ratio": t.min_ratio,
        }


def last_complete_day(now: datetime) -> date:
    return now.astimezone(UTC).date() - timedelta(days=1)


def measure(conn: psycopg.Connection, relation: str, day: date, threshold: Threshold) -> Volume:
    """The day's row count and the trailing days' (one query)."""
    start = datetime.combine(day - timedelta(days=threshold.trailing_days), time(), UTC)
    end = datetime.combine(day + timedelta(days=1), time(), UTC)
    counts = dict(
        conn.execute(
            f"select (loaded_at at time zone 'UTC')::date, count(*) from {relation} "
            "where loaded_at >= %s and loaded_at < %s group by 1",
            (start, end),
        ).fetchall()
    )
    history = tuple(
        counts.get(day - timedelta(days=n), 0) for n in range(threshold.trailing_days, 0, -1)
    )
    return Volume(relation, day, counts.get(day, 0), history, threshold)


def check_volumes(
    url: str,
    relations: Iterable[str],
    *,
    run_id: str,
    threshold: Threshold,
    now: datetime | None = None,
) -> list[Volume]:
    """Measure each ledger's last complete day; store and return the outcomes."""
    day = last_complete_day(now or datetime.now(UTC))
    with psycopg.connect(url) as conn:
        volumes = [measure(conn, relation, day, threshold) for relation in relations]
        store(
            conn,
            run_id,
            (
                CheckRow(
                    suite=SUITE,
                    relation=v.relation,
                    expectation=EXPECTATION,
                    success=not v.warns,
                    rows_validated=v.observed,
                    observed_value=v.observed_value(),
                )
                for v in volumes
            ),
        )
    return volumes
