"""Declarative automation: dbt models refresh when their inputs change (on by default)."""

import dagster as dg

tradelake_automation = dg.AutomationConditionSensorDefinition(
    "tradelake_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Evaluates every asset's automation condition (eager dbt models, 4h reports).",
)
