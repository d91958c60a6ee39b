"""The Dagster entry point: autoload `orchestration/defs/`, then add cross-cutting pieces.

`workspace.yaml` points here; `tradelake materialize`, `demo` and `dev` load the same object.
"""

import warnings
from pathlib import Path

import dagster as dg

from orchestration.lib.freshness import ledger_freshness
from orchestration.lib.owners import owner_of_schema
from orchestration.lib.process import tune_gc
from orchestration.lib.resources import shared_resources


def _operable(spec: dg.AssetSpec, freshness: dict[dg.AssetKey, dg.FreshnessPolicy]) -> dg.AssetSpec:
    """Every asset names who answers for it (its layer's owner unless it says otherwise);
    every scheduled ledger says when it is late (orchestration/lib/freshness.py)."""
    if not spec.owners:
        spec = spec.replace_attributes(owners=[owner_of_schema(spec.key.path[0])])
    if spec.key in freshness and spec.freshness_policy is None:
        spec = spec.replace_attributes(freshness_policy=freshness[spec.key])
    return spec


@dg.definitions
def defs() -> dg.Definitions:
    # The processes that load these run the pipeline: a run worker started by the daemon or the
    # UI gets the CLI's garbage-collector settings too (orchestration/lib/process.py).
    tune_gc()
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    merged = dg.Definitions.merge(loaded, dg.Definitions(resources=shared_resources()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_asset_specs: preview in 1.13
        freshness = ledger_freshness(merged)
        return merged.map_asset_specs(func=lambda spec: _operable(spec, freshness))
