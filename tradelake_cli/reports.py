"""Reading the 4h reports that dbt builds into marts.reports."""

from __future__ import annotations

from datetime import datetime

import psycopg


class ReportNotFound(Exception):
    pass


def find_report(url: str, at: datetime | None) -> str:
    with psycopg.connect(url) as conn:
        exists = conn.execute("select to_regclass('marts.reports')").fetchone()
        if not exists or exists[0] is None:
            raise ReportNotFound(
                "no report exists yet: run `tradelake materialize` (or `tradelake demo`) first"
            )
        if at is None:
            row = conn.execute(
                "select summary_markdown from marts.reports order by period_end desc limit 1"
            ).fetchone()
        else:
            row = conn.execute(
                "select summary_markdown from marts.reports "
                "where period_start <= %s and %s < period_end order by period_end desc limit 1",
                (at, at),
            ).fetchone()
    if row is None:
        when = f"covering {at.isoformat()}" if at else "yet"
        raise ReportNotFound(f"no 4h report {when}: reports cover the windows with data")
    return row[0]
