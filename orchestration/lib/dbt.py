"""dbt as Dagster assets: manifest preparation and the translator (one small method per concern)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from ingestion.files import write_json
from ingestion.pgsession import lock_timeout_message
from orchestration.lib.owners import owner_of_schema
from orchestration.lib.partial_parse import keep_state, modified_at
from orchestration.lib.resources import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
DEFAULT_DBNAME = "tradelake"  # profiles.yml's default for TRADELAKE_PG_DBNAME
_WATCHED = ("models", "macros", "tests", "seeds", "dbt_project.yml")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _WATCHED:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        for f in files:
            if f.is_file():
                newest = max(newest, f.stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """The manifest for the database this process uses (TRADELAKE_PG_DBNAME).

    `dbt parse` runs if the manifest is missing or older than the project (at load, not import).
    Several processes may load the definitions at once (code server, CLI, test workers): the
    parse runs under a file lock into a private target dir, then the manifest is swapped in.
    """
    if not _fresh():
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        with (MANIFEST.parent / ".parse.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not _fresh():
                with tempfile.TemporaryDirectory(dir=MANIFEST.parent) as scratch:
                    _parse(Path(scratch))
                    # dbt steps on this connection start from this parse, not from scratch
                    keep_state(Path(scratch))
                    os.replace(Path(scratch) / "manifest.json", MANIFEST)
    return _for_database(os.environ.get("TRADELAKE_PG_DBNAME", DEFAULT_DBNAME))


def _for_database(dbname: str) -> Path:
    """The manifest names every relation with the database it was parsed against; row counts
    and column schemas are read through those names, and PostgreSQL refuses cross-database
    references. A process on another database (DATABASE_URL changed since the parse, parallel
    test databases) gets a copy naming its own database instead of a 15-second re-parse."""
    manifest = json.loads(MANIFEST.read_text())
    parsed = {n.get("database") for n in manifest["nodes"].values()} - {None}
    if parsed <= {dbname}:
        return MANIFEST
    copy = MANIFEST.parent / "manifests" / f"{quote(dbname, safe='')}.json"
    if copy.exists() and copy.stat().st_mtime >= MANIFEST.stat().st_mtime:
        return copy
    for section in ("nodes", "sources", "unit_tests"):
        for node in manifest.get(section, {}).values():
            old = node.get("database")
            if old is None or old == dbname:
                continue
            node["database"] = dbname
            if node.get("relation_name"):
                node["relation_name"] = node["relation_name"].replace(
                    f'"{old}".', f'"{dbname}".', 1
                )
    return write_json(copy, manifest)


def _fresh() -> bool:
    return MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source_mtime()


def _parse(target: Path) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    env = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **os.environ}
    done = subprocess.run(
        [
            str(dbt),
            "parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")


def lock_timed_out(raw_event: Mapping[str, Any]) -> str | None:
    """The node whose build a dbt log event reports as failed on the lock timeout, if it does:
    the run's closing summary logs a `RunResultError` per failed node, with dbt's message and
    the node (the dbt steps run with `--no-write-json`: there is no run_results.json to read)."""
    if raw_event.get("info", {}).get("name") != "RunResultError":
        return None
    data = raw_event.get("data") or {}
    if "due to lock timeout" not in (data.get("msg") or ""):
        return None
    return (data.get("node_info") or {}).get("unique_id")


def lock_timeout_failure(
    locked: list[str], manifest: Mapping[str, Any], url: str
) -> dg.Failure | None:
    """dbt's own error for a model that waited past the lock timeout says only "canceling
    statement due to lock timeout": name the relations (`locked`: their unique ids) and the
    session that holds them."""
    if not locked:
        return None
    nodes = manifest.get("nodes", {})
    relations = [
        f"{node['schema']}.{node.get('alias') or node['name']}"
        for unique_id in locked
        if (node := nodes.get(unique_id))
    ]
    what = f"dbt build of {', '.join(relations) or 'a model'}"
    return dg.Failure(description=lock_timeout_message(url, what, relations))


KEEP_FAILED_TARGETS = 10


def prune_target_dirs(target: Path, *, succeeded: bool) -> None:
    """dagster-dbt gives every dbt step its own target folder (`<op>-<run>-<id>` under
    dbt_project/target: compiled SQL, dbt.log; ≈ 36 MB for a whole build), and
    nothing removes it: a schedule building every few minutes would fill the disk. A step's
    folder is removed once its results have been read; a failed step's stays for diagnosis,
    the newest KEEP_FAILED_TARGETS of them."""
    if succeeded:
        shutil.rmtree(target, ignore_errors=True)
    # Only the folders dagster-dbt made for our dbt ops (`tradelake_dbt…-<run>-<id>`).
    made = [p for p in target.parent.glob("tradelake_dbt*-*-*") if p.is_dir() and p != target]
    for old in sorted(made, key=modified_at, reverse=True)[KEEP_FAILED_TARGETS:]:
        shutil.rmtree(old, ignore_errors=True)


class TradelakeTranslator(DagsterDbtTranslator):
    """Sources on ledger/ref tables map to the ingestion assets' keys; groups follow layers."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        schema = dbt_resource_props.get("schema")
        return f"dbt_{schema}" if schema else None

    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        cron = self.automation_cron(dbt_resource_props)
        if cron:
            return cron_condition(cron)
        # Everything downstream of the ledgers refreshes when its inputs' data change.
        return on_changed_inputs()

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's documented description (markdown), not dagster-dbt's default that appends
        the raw SQL as a fenced block (shown as raw text in the catalog); the SQL stays one
        click away in the dbt docs site, named here."""
        name = dbt_resource_props["name"]
        described = (dbt_resource_props.get("description") or "").strip()
        path = dbt_resource_props.get("original_file_path")
        where = f"dbt {dbt_resource_props['resource_type']} `{name}`" + (
            f" ({path}); columns and lineage in the dbt docs site (`tradelake docs --serve`)"
            if path
            else ""
        )
        return f"{described}\n\n{where}" if described else where

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [owner_of_schema(dbt_resource_props.get("schema"))]

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        test = manifest["nodes"][unique_id]
        return spec._replace(description=describe_dbt_test(test, asset_spec.key))

    @staticmethod
    def automation_cron(dbt_resource_props: Mapping[str, Any]) -> str | None:
        """`meta.dagster.automation_cron` of the model config (e.g. the 4h reports)."""
        config = dbt_resource_props.get("config") or {}
        meta = config.get("meta") or dbt_resource_props.get("meta") or {}
        return (meta.get("dagster") or {}).get("automation_cron")


def describe_dbt_test(test: Mapping[str, Any], key: dg.AssetKey) -> str:
    """A sentence for a dbt data test shown as an asset check: what it asserts, on what, and
    what a failure does (a test of severity error blocks what is built after it)."""
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name") or test.get("column_name")
    relation = ".".join(key.path)
    target = f"{relation}.{column}" if column else relation
    name = meta.get("name")
    if name == "not_null":
        what = f"No row of {relation} has a NULL `{column}`."
    elif name == "unique":
        what = f"`{column}` is unique in {relation}: no two rows share a value."
    elif name == "accepted_values":
        values = ", ".join(f"`{v}`" for v in kwargs.get("values") or [])
        what = f"`{target}` only takes the values {values}."
    elif name == "relationships":
        to = str(kwargs.get("to", "")).removeprefix("ref('").removesuffix("')")
        what = f"Every `{target}` exists as `{kwargs.get('field')}` of {to}."
    elif name == "unique_combination":
        what = f"No two rows of {relation} share ({', '.join(kwargs.get('columns') or [])})."
    elif name == "expression_is_true":
        what = f"Every row of {relation} satisfies `{kwargs.get('expression')}`."
    else:
        what = (test.get("description") or "").strip() or (
            f"dbt test `{test['name']}` on {target}: its query "
            f"({test.get('original_file_path')}) returns no row."
        )
    severity = (test.get("config") or {}).get("severity") or "error"
    effect = (
        "Blocking: a failure stops the models built after it."
        if severity.lower() == "error"
        else "Warning only."
    )
    return f"{what} {effect} (dbt test `{test['name']}`)"


def on_changed_inputs() -> dg.AutomationCondition:
    """`AutomationCondition.eager()`, except that a dependency counts as updated only when its
    data version changed, not whenever it was materialized or observed.

    Every ledger asset materializes on each tick of its schedule, whether or not the venue had
    anything new; its data version is the head of its hash chain (orchestration/lib/ingest.py
    `ledger_version`), which moves only when rows were appended, and the ops.*/ref.* tables are
    observed with a version of their content (orchestration/defs/state). A dbt model is rebuilt
    (and tested) when a ledger it reads loaded rows, a table it reads changed, or a model
    upstream of it is being rebuilt in the same run; a tick that loaded nothing schedules no
    dbt work. A model that reads the clock (the 4h reports) has its own cron condition.
    """
    changed = (
        dg.AutomationCondition.newly_updated()
        & dg.AutomationCondition.data_version_changed()
        & ~dg.AutomationCondition.executed_with_root_target()
    ).with_label("data_version_changed_without_root") | dg.AutomationCondition.will_be_requested()
    return (
        dg.AutomationCondition.in_latest_time_window()
        & (
            dg.AutomationCondition.newly_missing()
            | dg.AutomationCondition.any_deps_match(changed).with_label("any_deps_changed")
        ).since_last_handled()
        & ~dg.AutomationCondition.any_deps_missing()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label("eager_on_changed_data")


def cron_condition(cron: str) -> dg.AutomationCondition:
    """Once per cron tick, as soon as nothing upstream is running.

    Not `AutomationCondition.on_cron`: that also waits until every dependency has updated since
    the tick, and a report reads relations no asset ever materialises (ops.quarantine, ref.*),
    so it would never fire. A report covers whatever data exists at the tick.
    """
    return (
        dg.AutomationCondition.cron_tick_passed(cron).since_last_handled()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label(f"cron({cron})")
