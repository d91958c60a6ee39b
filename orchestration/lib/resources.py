"""Resources shared by every asset. Built lazily: nothing reads the environment at import."""

from __future__ import annotations

import importlib.metadata
import logging
import os
import sys
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from ingestion.db import database_url
from ingestion.roles import dbt_env, ingest_url
from ingestion.settings import Settings, load_settings
from ingestion.sync import SyncContext, SyncFn, SyncResult, run_stream
from orchestration.lib.partial_parse import DBT_PROJECT_DIR, restore_state


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class TradelakeResource(dg.ConfigurableResource):
    """The database, the operator's settings, and (demo/tests) the recorded venue responses."""

    replay_dir: str | None = None

    def settings(self) -> Settings:
        return load_settings()

    def database_url(self) -> str:
        """The owner's URL (migrations, Dagster storage); pipeline sessions use the roles."""
        return database_url()

    def ingest_url(self) -> str:
        """The loaders' and ledger checks' role (ingestion/roles.py)."""
        return ingest_url(self.database_url())

    def sync_context(self, log: logging.Logger | None = None) -> SyncContext:
        return SyncContext(
            settings=self.settings(),
            database_url=self.database_url(),
            replay_dir=Path(self.replay_dir) if self.replay_dir else None,
            log=log or logging.getLogger("ingestion"),
        )

    def sync(self, source: str, stream: str, fn: SyncFn, log=None) -> SyncResult:
        ctx = self.sync_context(log)
        try:
            return run_stream(ctx, source, stream, fn)
        finally:
            ctx.close()

    def export_dbt_env(self) -> None:
        os.environ.update(dbt_env(self.database_url()))


def dbt_executable() -> str:
    """`tradelake-dbt` (dbt that dies with its parent, orchestration/lib/dbt_child.py); plain
    dbt if the package's scripts were not installed (run `uv sync`)."""
    bin_dir = Path(sys.executable).parent
    wrapper = bin_dir / "tradelake-dbt"
    return str(wrapper if wrapper.exists() else bin_dir / "dbt")


class TradelakeDbtResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without three start-up costs, each paid by every dbt step
    (≈ 1.5 s, 1.5 s and 3.3 s on the 2-core machine, docs/benchmarks.md):

    - the dbt version, which dagster-dbt asks a `dbt --version` process for: it is the dbt-core
      installed in this environment, which `dbt_executable` runs;
    - a dbt adapter built in this process (a profile, project and macro load) that dagster-dbt
      needs only for `fetch_row_counts()` / `fetch_column_metadata()`: row counts and column
      schemas come from orchestration/lib/dbt_metadata.py instead;
    - a whole parse of the project by dbt, in each step's new target folder: the parse state
      the previous step left is put there first.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None

    def _get_unique_target_path(self, *, context) -> Path:
        """The step's new target folder, with the parse state the last step on this connection
        left (orchestration/lib/partial_parse.py): dbt then re-parses only what changed."""
        path = super()._get_unique_target_path(context=context)
        restore_state(DBT_PROJECT_DIR / path)
        return path


def shared_resources() -> dict[str, object]:
    return {
        "tradelake": TradelakeResource(replay_dir=os.environ.get("TRADELAKE_REPLAY_DIR") or None),
        "dbt": TradelakeDbtResource(
            project_dir=dbt_project(),
            profiles_dir=str(DBT_PROJECT_DIR),
            # The venv's dbt, whether or not the venv is on PATH (uv run, CI, Dagster code server),
            # through the wrapper that makes it die with the process that started it.
            dbt_executable=dbt_executable(),
        ),
    }
