"""Every dbt model as an asset; dbt tests as asset checks; row counts and column metadata."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.lib.dbt import TradelakeTranslator, ensure_manifest, lock_timeout_failure
from orchestration.lib.resources import TradelakeResource

DBT_OP = "tradelake_dbt"


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description=(
            "Rebuild the incremental models (core fills, wallet events and histories, the "
            "performance marts, edges) from all of history instead of from what arrived since "
            "their watermark: after changing their logic, or to apply data that arrived later "
            "than the look-back."
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    @dbt_assets(
        manifest=ensure_manifest(), dagster_dbt_translator=TradelakeTranslator(), name=DBT_OP
    )
    def tradelake_dbt(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        tradelake: TradelakeResource,
        config: DbtBuildConfig,
    ):
        tradelake.export_dbt_env()
        args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
        # Row counts and the built column schema (names, types) on every materialization; column
        # lineage (sqlglot over every model) is left out: it costs more than the build itself.
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        yield from (
            invocation.stream().fetch_row_counts().fetch_column_metadata(with_column_lineage=False)
        )
        # A model that waited past TRADELAKE_LOCK_TIMEOUT: name the session that blocked it.
        error = lock_timeout_failure(invocation, tradelake.database_url()) or invocation.get_error()
        if error is not None:
            raise error

    return dg.Definitions(assets=[tradelake_dbt])
