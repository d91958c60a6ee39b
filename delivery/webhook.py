"""The 4h report, POSTed to a Slack- or Discord-compatible incoming webhook (CONTRACT §2).

Which windows: the first time a webhook is seen, only the latest window already closed (never a
flood of older history); from then on every window that closes, once each. A failed POST (an
HTTP error, a timeout) is recorded and retried in the next run; a delivered window is never sent
again (ops.report_deliveries, migration 0211).

The body is JSON: `text` holds the report's markdown (Slack incoming webhooks), `content` the
same cut to Discord's 2000 characters (docs.discord.com, Execute Webhook: content "up to 2000
characters"), and the window, its metrics and the chart's file name for any other consumer. The
chart is a PNG on this machine (`$TRADELAKE_HOME/reports/<chart_path>`): incoming webhooks take
no file upload in JSON, so it is named, not attached.

The webhook URL is a secret: it is registered with the redaction of every log line and error
message, and stored nowhere (the deliveries table keeps a hash of it).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import psycopg

from ingestion.http.redact import redact_text, register_secrets

log = logging.getLogger(__name__)

DISCORD_LIMIT = 2000
TIMEOUT_S = 10.0
REPORT_TYPE = "4h"

LATEST_CLOSED = """
select period_start, period_end, summary_markdown, metrics, chart_path
from marts.reports
where report_type = %(type)s and period_end <= %(now)s
order by period_start desc
limit 1
"""

DUE = """
select r.period_start, r.period_end, r.summary_markdown, r.metrics, r.chart_path
from marts.reports as r
where r.report_type = %(type)s and r.period_start >= %(since)s and r.period_end <= %(now)s
  and not exists (
      select 1 from ops.report_deliveries as d
      where d.report_type = r.report_type and d.period_start = r.period_start
        and d.webhook_id = %(webhook)s and d.status = 'delivered'
  )
order by r.period_start
"""

RECORD = """
insert into ops.report_deliveries as d
    (report_type, period_start, webhook_id, period_end, status, response_code, last_error,
     delivered_at)
values (%(type)s, %(start)s, %(webhook)s, %(end)s, %(status)s, %(code)s, %(error)s,
        case when %(status)s = 'delivered' then now() end)
on conflict (report_type, period_start, webhook_id) do update set
    status = excluded.status,
    attempts = d.attempts + 1,
    response_code = excluded.response_code,
    last_error = excluded.last_error,
    last_attempt_at = now(),
    delivered_at = excluded.delivered_at
"""


@dataclass(frozen=True)
class Window:
    period_start: datetime
    period_end: datetime
    markdown: str
    metrics: dict[str, Any]
    chart_path: str | None


@dataclass
class Delivery:
    period_start: datetime
    delivered: bool
    response_code: int | None
    error: str | None


def webhook_id(url: str) -> str:
    """What the database keeps of a webhook: a hash of its URL, never the URL."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def due_windows(conn: psycopg.Connection, url: str, now: datetime) -> list[Window]:
    """The windows to send now (see the module docstring)."""
    hook = webhook_id(url)
    (since,) = conn.execute(
        "select min(period_start) from ops.report_deliveries "
        "where report_type = %s and webhook_id = %s",
        (REPORT_TYPE, hook),
    ).fetchone() or (None,)
    if since is None:
        row = conn.execute(LATEST_CLOSED, {"type": REPORT_TYPE, "now": now}).fetchone()
        return [Window(*row)] if row else []
    rows = conn.execute(
        DUE, {"type": REPORT_TYPE, "since": since, "now": now, "webhook": hook}
    ).fetchall()
    return [Window(*row) for row in rows]


def payload(window: Window) -> dict[str, Any]:
    text = window.markdown
    content = text
    if len(content) > DISCORD_LIMIT:
        at = f"{window.period_start:%Y-%m-%dT%H:%MZ}"
        more = f"\n… (cut; the whole report: `tradelake report --at {at}`)"
        content = content[: DISCORD_LIMIT - len(more)] + more
    return {
        "text": text,
        "content": content,
        "report_type": REPORT_TYPE,
        "period_start": window.period_start.isoformat(),
        "period_end": window.period_end.isoformat(),
        "metrics": window.metrics,
        "chart": window.chart_path,
    }


def post(client: httpx.Client, url: str, window: Window) -> Delivery:
    try:
        response = client.post(url, content=json.dumps(payload(window), default=str),
                               headers={"content-type": "application/json"})  # fmt: skip
    except httpx.HTTPError as exc:
        error = redact_text(f"{type(exc).__name__}: {exc}", [url])
        return Delivery(window.period_start, False, None, error)
    if response.is_success:
        return Delivery(window.period_start, True, response.status_code, None)
    body = redact_text(response.text[:300], [url])
    return Delivery(
        window.period_start, False, response.status_code, f"HTTP {response.status_code}: {body}"
    )


def deliver(
    conn: psycopg.Connection,
    url: str,
    now: datetime,
    *,
    transport: httpx.BaseTransport | None = None,
    log: logging.Logger = log,
) -> list[Delivery]:
    """POST every due window in order, recording each attempt (a failed one is retried in the
    next run)."""
    register_secrets(url)
    done: list[Delivery] = []
    windows = due_windows(conn, url, now)
    conn.commit()
    hook = webhook_id(url)
    with httpx.Client(timeout=TIMEOUT_S, transport=transport) as client:
        for window in windows:
            result = post(client, url, window)
            conn.execute(
                RECORD,
                {
                    "type": REPORT_TYPE,
                    "start": window.period_start,
                    "end": window.period_end,
                    "webhook": hook,
                    "status": "delivered" if result.delivered else "failed",
                    "code": result.response_code,
                    "error": result.error,
                },
            )
            conn.commit()
            done.append(result)
            if not result.delivered:
                log.warning(
                    "4h report %s not delivered (%s); retried in the next run",
                    window.period_start.isoformat(),
                    result.error,
                )
    return done
