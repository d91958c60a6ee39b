"""The 4h reports delivered to the chat webhook of `reports.webhook_url` (delivery/webhook.py)."""

from datetime import UTC, datetime

import dagster as dg
import psycopg

from delivery.webhook import deliver
from orchestration.defs.reports.assets import REPORTS
from orchestration.lib.resources import TradelakeResource

DELIVERY = dg.AssetKey(["reports", "webhook_delivery"])


@dg.asset(
    key=DELIVERY,
    deps=[REPORTS],
    group_name="reports",
    kinds={"python"},
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "Each new 4h report POSTed once to reports.webhook_url (Slack/Discord incoming webhook, "
        "JSON with `text` = the markdown): the first time the webhook is seen only the latest "
        "closed window, then every window that closes; a failed POST is retried in the next "
        "run. Recorded in ops.report_deliveries; nothing happens without a webhook."
    ),
)
def webhook_delivery(context: dg.AssetExecutionContext, tradelake: TradelakeResource):
    url = tradelake.settings().config.reports.webhook_url
    if not url:
        return dg.MaterializeResult(
            metadata={"status": "no reports.webhook_url in tradelake.yaml: nothing sent"}
        )
    with psycopg.connect(tradelake.database_url()) as conn:
        done = deliver(conn, url, datetime.now(UTC), log=context.log)
    failed = [d for d in done if not d.delivered]
    lines = [
        f"| {d.period_start:%Y-%m-%d %H:%M} | {'delivered' if d.delivered else 'failed'} | "
        f"{d.response_code or ''} | {(d.error or '')[:120]} |"
        for d in done
    ]
    header = ["| window (UTC) | result | HTTP | error |", "|---|---|---:|---|"]
    return dg.MaterializeResult(
        metadata={
            "delivered": len(done) - len(failed),
            "failed": len(failed),
            "attempts": dg.MetadataValue.md("\n".join([*header, *lines]) if done else "none due"),
        }
    )


@dg.asset_check(
    asset=DELIVERY,
    name="no_undelivered_report",
    description=(
        "Every report window that was attempted reached the webhook (WARN: a failed one is "
        "retried on the next run; see ops.report_deliveries.last_error)."
    ),
)
def no_undelivered_report(tradelake: TradelakeResource) -> dg.AssetCheckResult:
    with psycopg.connect(tradelake.database_url()) as conn:
        rows = conn.execute(
            "select period_start, attempts, last_error from ops.report_deliveries "
            "where status = 'failed' order by period_start"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            "; ".join(f"{s:%Y-%m-%d %H:%M} after {n} attempt(s): {e}" for s, n, e in rows)
            or "every attempted window was delivered"
        ),
        metadata={"undelivered": len(rows)},
    )
