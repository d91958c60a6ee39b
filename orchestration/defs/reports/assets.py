"""The 4h report's chart (accounts' equity and cumulative net PnL): PNG files beside the
reports, the latest one shown in the UI."""

import base64
import hashlib
import json
from pathlib import Path

import dagster as dg
import psycopg

from ingestion.files import write_json
from ingestion.settings import tradelake_home
from orchestration.defs.reports import chart
from orchestration.lib.resources import TradelakeResource

REPORTS = dg.AssetKey(["marts", "reports"])
DAILY_PERFORMANCE = dg.AssetKey(["marts", "daily_performance"])
ACCOUNT_EQUITY = dg.AssetKey(["marts", "account_equity"])
# Windows re-rendered when their file exists but what they are drawn from changed: late data
# (a settlement, a re-synced fill) rarely reaches further back than a day.
RECENT_WINDOWS = 6
# chart file -> digest of what it was drawn from (rows, window, drawing code), beside the charts
DRAWN = ".drawn.json"

WINDOWS = """
select period_start, period_end, chart_path,
       row_number() over (order by period_start desc) as recency
from marts.reports
where report_type = '4h'
order by period_start
"""
# ordered in full: the rows' digest decides whether a chart is drawn again
DAILY = """
select day, venue, sum(net_pnl) from marts.daily_performance
group by day, venue
order by day, venue
"""
EQUITY = """
select hour, venue, account, equity from marts.account_equity
order by hour, venue, account
"""


def reports_dir() -> Path:
    """Where the charts live: the report's link `charts/...` is relative to this folder."""
    return tradelake_home() / "reports"


@dg.asset(
    key=["reports", "pnl_chart"],
    deps=[REPORTS, DAILY_PERFORMANCE, ACCOUNT_EQUITY],
    group_name="reports",
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "Equity (marts.account_equity) and cumulative net PnL (marts.daily_performance) chart "
        "of every 4h report window, over the span with data in the 30 days before its end, written "
        "to $TRADELAKE_HOME/reports/charts/pnl_<YYYYMMDDTHH>.png where marts.reports links it; "
        "the latest is embedded in this asset's metadata. A chart is drawn again only when "
        "its rows changed (one of the six newest windows) or its file is missing: "
        "`charts_rendered` is 0 on a run with nothing new."
    ),
)
def pnl_chart(context: dg.AssetExecutionContext, tradelake: TradelakeResource):
    with psycopg.connect(tradelake.database_url()) as conn:
        windows = conn.execute(WINDOWS).fetchall()
        daily = conn.execute(DAILY).fetchall()
        equity = conn.execute(EQUITY).fetchall()
    base = reports_dir()
    drawn = _drawn(base)
    inputs = _digest(repr(daily), repr(equity), Path(chart.__file__).read_text())
    rendered = 0
    latest: tuple[Path, bytes] | None = None
    for period_start, period_end, chart_path, recency in windows:
        path = base / chart_path
        digest = _digest(inputs, period_start.isoformat(), period_end.isoformat())
        # A run with nothing new draws nothing (matplotlib is not even imported): a chart is
        # drawn when its file is missing, or when it is recent and its inputs changed.
        if path.exists() and (recency > RECENT_WINDOWS or drawn.get(chart_path) == digest):
            if recency == 1:
                latest = (path, path.read_bytes())
            continue
        png = chart.render(daily, period_start, period_end, equity)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        drawn[chart_path] = digest
        rendered += 1
        if recency == 1:
            latest = (path, png)
    if rendered:
        write_json(base / "charts" / DRAWN, drawn, sort_keys=True)
    context.log.info(f"{rendered} chart(s) rendered into {base / 'charts'}")
    metadata: dict[str, dg.MetadataValue] = {
        "reports": dg.MetadataValue.int(len(windows)),
        "charts_rendered": dg.MetadataValue.int(rendered),
        "daily_performance_rows": dg.MetadataValue.int(len(daily)),
        "account_equity_rows": dg.MetadataValue.int(len(equity)),
        "charts_dir": dg.MetadataValue.path(str(base / "charts")),
    }
    if latest is not None:
        path, png = latest
        data_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        metadata["path"] = dg.MetadataValue.path(str(path))
        metadata["chart"] = dg.MetadataValue.md(f"![Cumulative net PnL]({data_uri})")
    return dg.MaterializeResult(metadata=metadata)


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\x00")
    return h.hexdigest()


def _drawn(base: Path) -> dict[str, str]:
    try:
        return json.loads((base / "charts" / DRAWN).read_text())
    except (OSError, ValueError):  # none yet, or unreadable: every recent chart is drawn again
        return {}
