"""The wire conversions every venue's models share (ingestion/wire.py), in both directions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingestion.wire import (
    datetime_from_epoch_ms,
    datetime_from_epoch_seconds,
    epoch_ms_from_datetime,
    exact_decimal,
    exact_text,
    optional_datetime_from_epoch_ms,
)


def test_reading_and_writing_epoch_milliseconds() -> None:
    at = datetime(2026, 11, 23, 18, 40, 5, 123000, tzinfo=UTC)
    assert datetime_from_epoch_ms("1763923205123") == datetime(
        2025, 11, 23, 18, 40, 5, 123000, tzinfo=UTC
    )
    assert epoch_ms_from_datetime(at) == 1795459205123
    assert optional_datetime_from_epoch_ms("") is None
    for bad in ("", "yesterday", "0", "-5", 1.5e12, True):
        with pytest.raises(ValueError, match=r"Unix milliseconds|integer of milliseconds"):
            datetime_from_epoch_ms(bad)


@given(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2100, 1, 1)))
def test_milliseconds_round_trip_exactly(naive: datetime) -> None:
    at = naive.replace(tzinfo=UTC, microsecond=naive.microsecond // 1000 * 1000)
    assert datetime_from_epoch_ms(epoch_ms_from_datetime(at)) == at


def test_epoch_seconds_read_both_units_exactly() -> None:
    expected = datetime(2025, 11, 21, 14, 2, 11, tzinfo=UTC)
    assert datetime_from_epoch_seconds(1763733731) == expected
    assert datetime_from_epoch_seconds("1763733731000") == expected  # milliseconds, by size
    assert datetime_from_epoch_seconds(Decimal("1763733731.5")) == expected.replace(
        microsecond=500000
    )


def test_ids_and_amounts_stay_exact_and_refuse_what_lost_digits() -> None:
    assert exact_text(112093377410562123456) == "112093377410562123456"
    assert exact_text(Decimal("7E+2")) == "700"
    assert exact_decimal("0.1") + exact_decimal("0.2") == Decimal("0.3")
    assert exact_decimal(" ") is None
    for bad in (None, "", 1.0, True):  # the Polymarket copy once turned None into "None"
        with pytest.raises(ValueError):
            exact_text(bad)
    for bad in ("abc", "NaN", 0.1):  # the Polymarket copy raised InvalidOperation, not ValueError
        with pytest.raises(ValueError):
            exact_decimal(bad)
