"""The 4h report's chart, as PNG bytes (no pyplot: no global state): each own account's equity
(marts.account_equity, hourly) and the cumulative net realized PnL of all venues
(marts.daily_performance), over the span that has data in the SPAN_DAYS before the window's end.
Older history is carried into the span (the cumulative PnL starts at its value then), never
plotted as a long empty axis."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

SPAN_DAYS = 30


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


def pnl_points(
    total: list[tuple[date, Decimal]], since: datetime
) -> list[tuple[datetime, Decimal]]:
    """The cumulative net PnL at the end of each UTC day from `since` on; a value reached
    before `since` is carried to the first day in the span (not drawn as empty axis)."""
    points = [(datetime.combine(d, time(), UTC) + timedelta(days=1), v) for d, v in total]
    inside = [(t, v) for t, v in points if t > since]
    before = [v for t, v in points if t <= since]
    if inside and before:
        inside.insert(0, (inside[0][0] - timedelta(days=1), before[-1]))
    return inside


def equity_series(
    rows: Sequence[tuple[datetime, str, str, Decimal]], since: datetime, until: datetime
) -> dict[str, list[tuple[datetime, Decimal]]]:
    """Per account (`venue account`): [(hour end, equity)] in (since, until]; `rows` in hour
    order (as the asset reads them)."""
    series: dict[str, list] = defaultdict(list)
    for hour, venue, account, equity in rows:
        end = hour + timedelta(hours=1)
        if since < end <= until:
            short = account if len(account) <= 14 else f"{account[:8]}…{account[-4:]}"
            series[f"{venue} {short}"].append((end, equity))
    return dict(series)


def render(
    rows: list[tuple[date, str, Decimal]],
    period_start: datetime,
    period_end: datetime,
    equity_rows: Sequence[tuple[datetime, str, str, Decimal]] = (),
) -> bytes:
    """PNG of the accounts' equity and the cumulative net PnL through the report window."""
    # matplotlib (≈ 0.5 s) only when a chart is drawn, not whenever the definitions load
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    start, end = period_start.astimezone(UTC), period_end.astimezone(UTC)
    since = end - timedelta(days=SPAN_DAYS)
    total = cumulative(rows, start.date()).get("total", [])
    pnl = pnl_points(total, since)
    equity = equity_series(equity_rows, since, end)
    fig = Figure(figsize=(9, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs: list[datetime] = []
    for label in sorted(equity):
        points = equity[label]
        xs += [t for t, _ in points]
        # plotting only; the data stays Decimal
        ax.plot([t for t, _ in points], [float(v) for _, v in points], linewidth=1.6,
                label=f"equity {label}")  # fmt: skip
    handles = []
    if pnl:
        if pnl[-1][0] < end:
            pnl.append((end, pnl[-1][1]))  # the last value holds to the window's end
        xs += [t for t, _ in pnl]
        # its own axis on the right: an equity of 25,000 would flatten a PnL of 40
        right = ax.twinx() if equity else ax
        handles += right.step([t for t, _ in pnl], [float(v) for _, v in pnl], where="post",
                              color="black", linestyle="--", linewidth=2,
                              label="cumulative net realized PnL (all venues)")  # fmt: skip
        right.set_ylabel("cumulative net PnL, USD", fontsize=10)
        right.tick_params(labelsize=9)
    if not xs:
        ax.text(0.5, 0.5, "no equity or PnL yet", ha="center", va="center",
                transform=ax.transAxes, fontsize=11)  # fmt: skip
    else:
        lo, hi = min(xs), max(xs)
        pad = max((hi - lo) * 0.02, timedelta(hours=1))
        ax.set_xlim(lo - pad, hi + pad)
        lines = ax.get_lines() if equity else []
        # below the plot: inside it would hide a line
        ax.legend(handles=[*lines, *handles], fontsize=9, loc="upper center",
                  bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)  # fmt: skip
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    ax.set_title(
        f"Equity and cumulative net PnL to {end:%Y-%m-%d %H:%M} UTC "
        f"(report window {start:%H:%M}-{end:%H:%M})",
        fontsize=11,
    )
    ax.set_xlabel("time (UTC)", fontsize=10)
    ax.set_ylabel("equity, USD (USDC/USDT at 1)" if equity else "USD", fontsize=10)
    ax.tick_params(labelsize=9)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
