"""Row-count volume (quality/volume.py) on a synthetic history: a day that loaded nothing where
the days before had hundreds warns with both counts; a quiet stream or a merely smaller day does
not; the thresholds come from tradelake.yaml; every outcome lands in ops.check_results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from quality.volume import Threshold, check_volumes, last_complete_day, measure
from tests.conftest import make_settings

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # the last complete day is 2026-11-23
DAY = date(2026, 11, 23)
BUSY = [300, 320, 0, 310, 305, 290, 330]  # the 7 days before, oldest first: median 305
QUIET = [5, 0, 3, 8, 2, 0, 4]  # median 3


def _history(conn: psycopg.Connection, table: str, counts: list[int], today: int) -> None:
    """`counts[i]` rows loaded at noon of DAY - (7 - i) days, `today` rows on DAY itself, and
    rows before and after the window that must not count."""
    conn.execute(f"create table {table} (id serial, loaded_at timestamptz not null)")
    days = [*((DAY - timedelta(days=7 - i), n) for i, n in enumerate(counts)), (DAY, today)]
    days += [(DAY - timedelta(days=8), 999), (DAY + timedelta(days=1), 999)]
    for day, n in days:
        conn.execute(
            f"insert into {table} (loaded_at) select %s from generate_series(1, %s)",
            (datetime(day.year, day.month, day.day, 12, tzinfo=UTC), n),
        )


def test_an_empty_day_after_hundreds_warns_with_both_counts(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("create schema scratch")
        _history(conn, "scratch.busy_empty", BUSY, 0)
        _history(conn, "scratch.busy_smaller", BUSY, 40)  # 40 >= 10 % of 305
        _history(conn, "scratch.quiet_empty", QUIET, 0)  # never had hundreds
        conn.commit()
    volumes = check_volumes(
        db_url,
        ["scratch.busy_empty", "scratch.busy_smaller", "scratch.quiet_empty"],
        run_id="v1",
        threshold=Threshold(),
        now=NOW,
    )
    assert [(v.observed, v.history, v.expected, v.warns) for v in volumes] == [
        (0, tuple(BUSY), 305.0, True),
        (40, tuple(BUSY), 305.0, False),
        (0, tuple(QUIET), 3.0, False),
    ]
    assert volumes[0].describe() == (
        "scratch.busy_empty: 0 row(s) loaded on 2026-11-23 (UTC), expected about 305 "
        "(median of the 7 days before): below 10% of it"
    )
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select relation, success, rows_validated, observed_value->>'expected', "
            "observed_value->>'day', validated_through from ops.check_results "
            "where run_id = 'v1' and suite = 'volume' and expectation = 'row_count_volume' "
            "order by relation"
        ).fetchall()
    assert stored == [
        ("scratch.busy_empty", False, 0, "305.0", "2026-11-23", None),
        ("scratch.busy_smaller", True, 40, "305.0", "2026-11-23", None),
        ("scratch.quiet_empty", True, 0, "3.0", "2026-11-23", None),
    ]


@pytest.mark.parametrize(
    ("threshold", "warns"),
    [
        (Threshold(min_ratio=0.2), True),  # 40 < 61
        (Threshold(min_ratio=0.1), False),  # 40 >= 30.5
        (Threshold(min_ratio=0.2, min_expected_rows=400), False),  # 305 is not "hundreds" enough
        (Threshold(trailing_days=3, min_ratio=0.2), True),  # median of 305, 290, 330 = 305
    ],
)
def test_the_threshold_decides(db_url: str, threshold: Threshold, warns: bool) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("create schema scratch")
        _history(conn, "scratch.s", BUSY, 40)
        assert measure(conn, "scratch.s", DAY, threshold).warns is warns


def test_the_day_is_the_last_complete_utc_day_and_thresholds_are_configurable() -> None:
    assert last_complete_day(NOW) == DAY
    assert last_complete_day(datetime(2026, 11, 24, 0, 30, tzinfo=UTC)) == DAY
    settings = make_settings({"quality": {"volume": {"trailing_days": 14, "min_ratio": 0.25}}})
    volume = settings.config.quality.volume
    assert Threshold(**volume.model_dump()) == Threshold(14, 100, 0.25)
    assert make_settings().config.quality.volume.model_dump() == {
        "trailing_days": 7,
        "min_expected_rows": 100,
        "min_ratio": 0.1,
    }
