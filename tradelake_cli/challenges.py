"""`tradelake challenges`: every prop-firm challenge as marts.challenges has it (CONTRACT §1)."""

from __future__ import annotations

from decimal import Decimal

import psycopg
from rich import box
from rich.console import Console
from rich.table import Table

QUERY = """
select challenge_id, venue, status, failure_reason, current_equity, profit_pct,
       profit_target_pct, daily_drawdown_pct, max_daily_drawdown_pct, total_drawdown_pct,
       max_total_drawdown_pct, trading_days, min_trading_days, last_sequence_number,
       last_event_type, last_event_at, last_event_description
from marts.challenges
order by started_at, challenge_id
"""

ALERTS = """
select count(*) filter (where status = 'ACTIVE'), count(*)
from marts.risk_alerts
"""

STYLE = {"FUNDED": "green", "FAILED": "red", "ACTIVE": "yellow", "PENDING": "dim"}


class NotBuilt(Exception):
    """marts.challenges does not exist yet."""


def _pair(value: Decimal | None, limit: Decimal) -> str:
    """`1.76/1.50`: a percentage against its limit or target."""
    return f"{'—' if value is None else f'{value:.2f}'}/{limit:.2f}"


WIDE = 100


def challenges_table(url: str, width: int = 120) -> tuple[Table, list[str], int]:
    """The table, one line per challenge with its last event, and the number of challenges.
    Below WIDE columns the "last event" column is left out (each challenge's last event is
    printed under the table anyway), so that the numbers fit an 80-column terminal whole."""
    try:
        with psycopg.connect(url) as conn:
            rows = conn.execute(QUERY).fetchall()
            active_alerts, alerts = conn.execute(ALERTS).fetchone() or (0, 0)
    except psycopg.errors.UndefinedTable:
        raise NotBuilt(
            "marts.challenges is not built yet: load the rules (`tradelake load-ref <folder>` "
            "with a challenges.csv) and run `tradelake materialize`"
        ) from None
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        title=f"prop-firm challenges ({len(rows)}; risk alerts: {active_alerts} active of "
        f"{alerts}, see marts.risk_alerts)",
    )
    # ids and statuses are never cut or wrapped (they are what a reader searches for); on a
    # narrow terminal the other columns fold onto more lines, never hiding a digit behind "…"
    for name, justify, whole in (
        ("challenge", "left", True),
        ("status", "left", True),
        ("equity", "right", False),
        ("profit %\n/target", "right", False),
        ("daily dd %\n/limit", "right", False),
        ("total dd %\n/limit", "right", False),
        ("days", "right", False),
        *([("last event", "left", False)] if width >= WIDE else []),
    ):
        table.add_column(
            name, justify=justify, no_wrap=whole, overflow="ellipsis" if whole else "fold"
        )  # type: ignore[arg-type]
    lines = []
    for (cid, venue, status, reason, equity, profit, target, ddd, ddd_limit, tdd, tdd_limit,
         days, min_days, seq, last_type, last_at, last_text) in rows:  # fmt: skip
        shown = f"{status}\n({reason})" if reason else status
        table.add_row(
            f"{cid}\n[dim]{venue}[/]",
            f"[{STYLE.get(status, '')}]{shown}[/]",
            "—" if equity is None else f"{equity:,.2f}",
            _pair(profit, target),
            _pair(ddd, ddd_limit),
            _pair(tdd, tdd_limit),
            f"{days}/{min_days}",
            *(
                [
                    "—"
                    if last_type is None
                    else f"#{seq} {last_type.removeprefix('CHALLENGE_')}\n{last_at:%Y-%m-%d}"
                ]
                if width >= WIDE
                else []
            ),
        )
        if last_text:
            lines.append(f"{cid}: {last_text}")
    return table, lines, len(rows)


def print_challenges(url: str, console: Console) -> None:
    table, lines, count = challenges_table(url, console.width)
    if count == 0:
        console.print(
            "No challenge in ref.challenges: add rows to a challenges.csv and run "
            "`tradelake load-ref <folder>`, then `tradelake materialize`."
        )
        return
    console.print(table)
    for line in lines:
        console.print(f"- {line}", markup=False, highlight=False)
