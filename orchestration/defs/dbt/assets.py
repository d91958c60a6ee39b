"""Every dbt model as an asset; dbt tests as asset checks; row counts and column metadata."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.lib.dbt import TradelakeTranslator, ensure_manifest
from orchestration.lib.resources import TradelakeResource


@dg.definitions
def defs() -> dg.Definitions:
    @dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=TradelakeTranslator())
    def tradelake_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, tradelake: TradelakeResource
    ):
        tradelake.export_dbt_env()
        yield from dbt.cli(["build"], context=context).stream().fetch_row_counts()

    return dg.Definitions(assets=[tradelake_dbt])
