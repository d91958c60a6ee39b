"""Every dbt unit test passes. The dbt steps of a run leave them out (they check the models' SQL
on fixed fixture rows, so only a code change can change their result): this is where they run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.dbt_runner import dbt


def test_every_dbt_unit_test_passes(db_url: str, tmp_path: Path) -> None:
    # Unit tests read the column types of their inputs from the database: build every model
    # first, on the migrated database's empty ledgers. (dbt's `--empty` would rewrite each ref
    # into an aliased subquery, which models that alias their refs cannot take.)
    built = dbt(db_url, tmp_path, "build", "--resource-type", "seed", "model")
    assert built.returncode == 0, built.stdout[-6000:]

    done = dbt(db_url, tmp_path, "test", "--select", "test_type:unit")
    assert done.returncode == 0, done.stdout[-6000:]

    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    passed = {r["unique_id"] for r in results if r["status"] == "pass"}
    assert passed == set(manifest["unit_tests"])  # all of them ran, and passed
    assert len(passed) >= 40
