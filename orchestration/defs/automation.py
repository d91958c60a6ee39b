"""Declarative automation: dbt models refresh when their inputs change (on by default)."""

import dagster as dg

tradelake_automation = dg.AutomationConditionSensorDefinition(
    "tradelake_automation",
    target=dg.AssetSelection.all(include_sources=True),  # + the observed ops.*, ref.* tables
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description=(
        "Evaluates every asset's automation condition: eager dbt models, the 4h reports, and "
        "the observation of the ops.* and ref.* tables every 5 minutes."
    ),
)
