"""marts.market_states built incrementally, arrival after arrival, equals a full refresh row for
row (every column).

Two Hyperliquid coins, 130 hourly candles each, arrive in three batches (ledger loaded_at two
days apart, so each run's arrival watermark excludes the batch before). The baseline and ATR
are shortened by vars (24 h, ATR(3)) so the states change often. The second and third arrivals
hold, beside new hours:
- candles arriving late inside history already built: hour 40 of AAA (missing until the third
  arrival) and a revised version of BBB's hour 70 (built in the second run, changed in the
  third);
- a candle still open at the second arrival, closed at the third;
- a gap in BBB's hours (20-25 never arrive), so the rows-based ATR reaches further back in time
  than its periods;
and a run of one state (AAA's quiet NORMAL hours 52-68) spans the first and second arrivals.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from tests.dbt_runner import dbt_build

SELECT = "+market_states"
VARS = json.dumps({"market_baseline_hours": 24, "market_atr_periods": 3})
T0 = datetime(2026, 1, 1, tzinfo=UTC)
HOURS = 130
ARRIVALS = [  # (first hour, end hour, loaded_at)
    (0, 60, datetime(2026, 1, 10, tzinfo=UTC)),
    (60, 95, datetime(2026, 1, 12, tzinfo=UTC)),
    (95, HOURS, datetime(2026, 1, 14, tzinfo=UTC)),
]
LATE_HOUR = 40  # AAA: arrives with the third batch
REVISED_HOUR = 70  # BBB: built in the second run, revised in the third
GAP = range(20, 26)  # BBB: never arrives
OPEN_HOUR = 94  # still open at the second arrival, closed at the third


def _series(coin: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    price = Decimal(100)
    rows = []
    for h in range(HOURS):
        width = Decimal("0.004")
        volume = Decimal(1000 + rng.randrange(200))
        move = Decimal(rng.randrange(-100, 101)) / 10_000
        if h % 37 == 30:  # a drop: PANIC, then wide hours: VOLATILE
            move = Decimal("-0.07")
        if h % 37 in (31, 32, 33, 34):
            width = Decimal("0.04")
        if h % 60 >= 30 and h % 60 < 56:  # a day of thin volume: DEAD
            volume = Decimal(1)
        if coin == "AAA" and 52 <= h <= 68:  # quiet and steady: one NORMAL run
            move, width, volume = Decimal("0.0005"), Decimal("0.002"), Decimal(1000)
        open_ = price
        close = (price * (1 + move)).quantize(Decimal("0.0001"))
        rows.append(
            {
                "coin": coin,
                "hour": h,
                "open": open_,
                "high": (max(open_, close) * (1 + width)).quantize(Decimal("0.0001")),
                "low": (min(open_, close) * (1 - width)).quantize(Decimal("0.0001")),
                "close": close,
                "volume": volume,
            }
        )
        price = close
    return rows


def _insert(conn, row: dict, loaded_at: datetime, *, closed=True, version=0) -> None:
    start = T0 + timedelta(hours=row["hour"])
    conn.execute(
        "insert into ledger.hyperliquid_candles (coin, interval, open_time, close_time, open, "
        "high, low, close, volume, trades, is_closed, observed_at, record_hash, loaded_at) "
        "values (%s, '1h', %s, %s, %s, %s, %s, %s, %s, 10, %s, %s, %s, %s)",
        (
            row["coin"], start, start + timedelta(hours=1) - timedelta(milliseconds=1),
            row["open"], row["high"], row["low"], row["close"], row["volume"], closed,
            loaded_at - timedelta(minutes=1), f"{row['coin']}-{row['hour']}-{version}", loaded_at,
        ),
    )  # fmt: skip


def _arrive(conn, batch: int, series: dict[str, list[dict]]) -> None:
    first, end, loaded_at = ARRIVALS[batch]
    for coin, rows in series.items():
        for row in rows[first:end]:
            h = row["hour"]
            if (coin == "AAA" and h == LATE_HOUR) or (coin == "BBB" and h in GAP):
                continue
            _insert(conn, row, loaded_at, closed=not (batch == 1 and h == OPEN_HOUR), version=0)
    if batch == 2:
        _insert(conn, series["AAA"][LATE_HOUR], loaded_at)
        for coin in series:  # the hour open at the second arrival closes
            _insert(conn, series[coin][OPEN_HOUR], loaded_at, version=1)
        revised = {**series["BBB"][REVISED_HOUR]}
        revised["close"] = revised["open"] * Decimal("0.9")  # now a 10 % drop
        revised["low"] = revised["close"]
        _insert(conn, revised, loaded_at + timedelta(minutes=1), version=2)


def _table(conn) -> list[tuple]:
    return conn.execute(
        "select * from marts.market_states order by venue, instrument, candle_open_time"
    ).fetchall()


def test_incremental_runs_equal_a_full_refresh(db_url, tmp_path):
    series = {"AAA": _series("AAA", 1), "BBB": _series("BBB", 2)}
    built = []
    # autocommit: a read left open would block the full refresh's table swap
    with psycopg.connect(db_url, autocommit=True) as conn:
        for batch in range(len(ARRIVALS)):
            _arrive(conn, batch, series)
            done = dbt_build(db_url, tmp_path, SELECT, vars_=VARS)
            assert done.returncode == 0, done.stdout[-4000:]
            built.append(_table(conn))
        incremental = built[-1]
        done = dbt_build(db_url, tmp_path, SELECT, "--full-refresh", vars_=VARS)
        assert done.returncode == 0, done.stdout[-4000:]
        full = _table(conn)
        columns = [
            c.name for c in conn.execute("select * from marts.market_states limit 0").description
        ]

    # the scenario happened: every closed candle stated, the late ones included
    hours = {"AAA": HOURS, "BBB": HOURS - len(GAP)}
    assert len(full) == sum(hours.values())
    assert len(built[0]) == 60 - 1 + 60 - len(GAP)  # AAA's hour 40 not there yet
    assert len(built[1]) == len(built[0]) + 2 * 34  # hours 60-93: hour 94 still open
    states = {row[columns.index("state")] for row in full}
    assert states == {"NORMAL", "PANIC", "VOLATILE", "DEAD"}
    # a run that spans the first two arrivals: its duration changed after the first run
    by_key = {(r[1], r[3]): r for r in full}
    quiet = by_key[("AAA", T0 + timedelta(hours=58))]
    first_quiet = {(r[1], r[3]): r for r in built[0]}[("AAA", T0 + timedelta(hours=58))]
    duration = columns.index("state_duration_seconds")
    assert quiet[columns.index("state")] == first_quiet[columns.index("state")] == "NORMAL"
    assert quiet[duration] > first_quiet[duration]
    assert quiet[duration] > (60 - 58) * 3600  # the run goes on past the first arrival

    # row for row, every column
    assert columns[-1] == "loaded_at"
    mismatches = [(f, i) for f, i in zip(full, incremental, strict=True) if f != i]
    assert len(incremental) == len(full)
    assert not mismatches, mismatches[:5]
