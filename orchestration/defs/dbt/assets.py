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
        # Row counts and the built column schema (names, types) on every materialization; column
        # lineage (sqlglot over every model) is left out: it costs more than the build itself.
        yield from (
            dbt.cli(["build"], context=context)
            .stream()
            .fetch_row_counts()
            .fetch_column_metadata(with_column_lineage=False)
        )

    return dg.Definitions(assets=[tradelake_dbt])
