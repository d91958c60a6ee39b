"""Prop-firm challenges: the evaluator (challenges/) as one asset, the ledger it appends to.

Downstream of the PnL events and price history dbt builds; upstream of marts.challenges,
marts.risk_alerts and marts.challenge_performance_analytics, which dbt rebuilds from the events.
"""

from datetime import UTC, datetime

import dagster as dg

from challenges.store import InputsMissing, evaluate_all
from ingestion.roles import dbt_url
from orchestration.lib.resources import TradelakeResource

CHALLENGE_EVENTS = dg.AssetKey(["ledger", "challenge_events"])
READS = [
    dg.AssetKey(["intermediate", "int_pnl_events"]),
    dg.AssetKey(["intermediate", "int_fill_pnl"]),
    dg.AssetKey(["core", "price_history"]),
    dg.AssetKey(["core", "market_history"]),
]


@dg.asset(
    key=CHALLENGE_EVENTS,
    deps=READS,
    group_name="challenges",
    kinds={"python", "postgres"},
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "Every challenge of ref.challenges evaluated on its account's fills, settlements, "
        "midnights and marks (CONTRACT §8), from its last event up to now: new events appended "
        "to ledger.challenge_events, sequence numbers without gaps, nothing after a terminal "
        "event. A second run at the same time adds nothing."
    ),
)
def challenge_events(context: dg.AssetExecutionContext, tradelake: TradelakeResource):
    owner = tradelake.database_url()
    now = datetime.now(UTC)
    try:
        outcomes = evaluate_all(dbt_url(owner), tradelake.ingest_url(), now, context.log)
    except InputsMissing as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    appended = sum(o.appended for o in outcomes)
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    lines = [
        f"| {o.challenge_id} | {o.status} | {o.appended} | {o.last_sequence_number} |"
        for o in outcomes
    ]
    header = [
        "| challenge | status | events appended | last sequence number |",
        "|---|---|---:|---:|",
    ]
    table = "\n".join([*header, *lines])
    return dg.MaterializeResult(
        metadata={
            "challenges": len(outcomes),
            "events_appended": appended,
            "evaluated_until": now.isoformat(),
            **{f"status_{k.lower()}": v for k, v in sorted(statuses.items())},
            "summary": dg.MetadataValue.md(table if outcomes else "no challenge in ref.challenges"),
        }
    )
