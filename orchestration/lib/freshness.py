"""Freshness policies from the schedules: a ledger is late when its schedule missed three
ticks in a row and failed after twelve (a 5-minute stream: late after 15 minutes, failed after
an hour), so a stale source shows in the Dagster catalog without reading a log."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import dagster as dg

LATE_AFTER_TICKS = 3
FAILED_AFTER_TICKS = 12


def cron_interval(cron: str) -> timedelta:
    """The longest gap between two consecutive ticks over a day (a cron may be uneven)."""
    from dagster._utils.schedules import cron_string_iterator  # dagster's own cron reading

    start = datetime(2026, 1, 5, tzinfo=UTC).timestamp()  # a Monday
    day_end = datetime(2026, 1, 6, tzinfo=UTC)
    seen = []
    for tick in cron_string_iterator(start, cron, "UTC"):
        seen.append(tick)  # up to the first tick after the day, for a daily or rarer cron
        if tick > day_end:
            break
    return max(b - a for a, b in itertools.pairwise(seen))


def ledger_freshness(defs: dg.Definitions) -> dict[dg.AssetKey, dg.FreshnessPolicy]:
    """Per ledger asset, from the most frequent schedule that targets it."""
    graph = defs.resolve_asset_graph()
    every: dict[dg.AssetKey, timedelta] = {}
    for schedule in defs.schedules or []:
        target = schedule.target.resolvable_to_job
        selection = getattr(target, "selection", None)
        if selection is None:
            continue
        interval = cron_interval(schedule.cron_schedule)
        for key in selection.resolve(graph):
            if key.path[0] == "ledger":
                every[key] = min(every.get(key, interval), interval)
    return {
        key: dg.FreshnessPolicy.time_window(
            fail_window=FAILED_AFTER_TICKS * interval, warn_window=LATE_AFTER_TICKS * interval
        )
        for key, interval in every.items()
    }
