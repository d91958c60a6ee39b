"""The Dagster entry point: autoload `orchestration/defs/`, then add cross-cutting pieces.

`workspace.yaml` points here; `tradelake materialize`, `demo` and `dev` load the same object.
"""

from pathlib import Path

import dagster as dg

from orchestration.lib.resources import shared_resources


@dg.definitions
def defs() -> dg.Definitions:
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    return dg.Definitions.merge(loaded, dg.Definitions(resources=shared_resources()))
