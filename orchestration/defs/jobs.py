"""The job `tradelake materialize` runs: every asset and every check, in dependency order."""

import dagster as dg

tradelake_all = dg.define_asset_job(
    "tradelake_all",
    selection=dg.AssetSelection.all(),
    description="Every source sync, then dbt build, then all checks (as `tradelake materialize`).",
)
