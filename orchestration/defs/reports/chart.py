"""Cumulative net PnL chart of a 4h report window, as PNG bytes (no pyplot: no global state)."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def cumulative(rows: list[tuple[date, str, Decimal]], through: date) -> dict[str, list]:
    """Per venue (and `total`): [(day, cumulative net PnL)] up to and including `through`."""
    daily: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for day, venue, net in rows:
        if day <= through:
            daily[venue][day] += net
            daily["total"][day] += net
    series: dict[str, list] = {}
    for venue, by_day in daily.items():
        running = Decimal(0)
        points = []
        for day in sorted(by_day):
            running += by_day[day]
            points.append((day, running))
        series[venue] = points
    return series


def render(
    rows: list[tuple[date, str, Decimal]], period_start: datetime, period_end: datetime
) -> bytes:
    """PNG of cumulative daily net PnL (marts.daily_performance) through the window's day."""
    through = period_start.astimezone(UTC).date()  # a 4h window never spans two UTC days
    series = cumulative(rows, through)
    fig = Figure(figsize=(7, 3.2), dpi=96)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if not series:
        ax.text(0.5, 0.5, "no PnL yet", ha="center", va="center", transform=ax.transAxes)
    for venue in sorted(series, key=lambda v: (v == "total", v)):
        days = [d for d, _ in series[venue]]
        values = [float(v) for _, v in series[venue]]  # plotting only; the data stays Decimal
        total = {"linewidth": 2, "color": "black", "linestyle": "--"}
        style = total if venue == "total" else {"linewidth": 1.4}
        ax.step(days, values, where="post", label=venue, marker="o", markersize=3, **style)
    ax.axhline(0, color="grey", linewidth=0.6)
    start, end = period_start.astimezone(UTC), period_end.astimezone(UTC)
    ax.set_title(
        f"Cumulative net PnL by UTC day through {through:%Y-%m-%d} "
        f"(report window {start:%H:%M}-{end:%H:%M} UTC)",
        fontsize=9,
    )
    ax.set_ylabel("net PnL (quote currency)", fontsize=8)
    ax.tick_params(labelsize=7)
    if series:
        ax.legend(fontsize=7, loc="best")
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
