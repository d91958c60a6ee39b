"""dbt's partial parsing across dbt steps: the parse state (`partial_parse.msgpack`) they share.

dagster-dbt gives every dbt step a new target folder and copies `dbt_project/target/
partial_parse.msgpack` into it, if there is one; nothing writes that file but a bare dbt run
with the default target folder, and dbt takes it only if it was parsed with the same connection
(host, port, user, database: the profile's hash) and project. Without a matching one, every dbt
step parsed the whole project again: 5.9 s against 2.6 s for a `dbt ls` on the 2-core machine
(docs/benchmarks.md). The state a step (or `dbt parse`) leaves is kept per connection under
`target/partial_parse/` and put in the next step's folder before dbt starts. dbt still checks
every project file's hash and its own version, so a stale state only costs a full parse.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
STATE = "partial_parse.msgpack"
# states kept (≈ 3.3 MB each): one per connection; tests make a database per worker and run
KEEP_STATES = 8
# what profiles.yml reads: dbt re-parses everything when any of these differ
CONNECTION_VARS = (
    "TRADELAKE_PG_HOST",
    "TRADELAKE_PG_PORT",
    "TRADELAKE_PG_USER",
    "TRADELAKE_PG_DBNAME",
)


def saved_state(target_root: Path) -> Path:
    """Where the parse state for this process's connection (its TRADELAKE_PG_* variables) is
    kept, under dbt's target folder (the parent of every step's own)."""
    identity = "\x00".join(os.environ.get(name, "") for name in CONNECTION_VARS)
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return target_root / "partial_parse" / f"{key}.msgpack"


def restore_state(step_target: Path) -> bool:
    """Put the kept parse state in a step's target folder; False if none is kept yet."""
    kept = saved_state(step_target.parent)
    if not kept.exists():
        return False
    step_target.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(kept, step_target / STATE)
    except FileNotFoundError:  # replaced by another step between the check and the copy
        return False
    return True


def keep_state(step_target: Path) -> None:
    """Keep the parse state dbt left in a step's target folder for the next step (atomically:
    steps of concurrent runs may keep theirs at the same time)."""
    produced = step_target / STATE
    if not produced.exists():
        return
    kept = saved_state(step_target.parent)
    kept.parent.mkdir(parents=True, exist_ok=True)
    scratch = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copyfile(produced, scratch)
    os.replace(scratch, kept)
    # the states of connections not used for longest go (a fresh one is parsed again)
    for old in sorted(kept.parent.glob("*.msgpack"), key=modified_at, reverse=True)[KEEP_STATES:]:
        old.unlink(missing_ok=True)


def modified_at(path: Path) -> float:
    """A file's mtime; 0 for one removed meanwhile (by a concurrent step's pruning)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
