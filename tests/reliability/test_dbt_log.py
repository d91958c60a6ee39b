"""A dbt step's dbt.log: warnings and errors by default, dbt's debug log (every SQL statement)
with `--dbt-debug-log`. The folder stays only when the step fails (orchestration/lib/dbt.py)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tradelake_cli.main import app

TARGET = Path(__file__).resolve().parents[2] / "dbt_project" / "target"
runner = CliRunner()


def failed_step_log(*flags: str) -> list[tuple[str, str]]:
    """dbt.log of a dbt step that fails: core.balances alone, on a database where dbt has not
    built the staging views it reads."""
    before = set(TARGET.glob("tradelake_dbt*"))
    result = runner.invoke(app, ["materialize", "--select", "key:core/balances", *flags])
    assert result.exit_code == 1, result.output
    (kept,) = set(TARGET.glob("tradelake_dbt*")) - before
    lines = (kept / "dbt.log").read_text().splitlines()
    return [(e["info"]["level"], e["info"]["msg"]) for e in map(json.loads, lines)]


def test_a_failed_steps_log_holds_its_error_and_the_sql_only_when_asked(cli_env: str) -> None:
    missing = 'relation "intermediate.int_balance_observations" does not exist'
    quiet = failed_step_log()
    assert {level for level, _ in quiet} == {"error"}
    assert any(missing in msg for _, msg in quiet)

    debug = failed_step_log("--dbt-debug-log")
    assert any(missing in msg for level, msg in debug if level == "error")
    # the statement that failed, as dbt sent it
    sql = [m for level, m in debug if level == "debug" and "On model.tradelake.balances" in m]
    assert any("int_balance_observations" in m for m in sql), sql


def test_the_debug_log_needs_dbt_steps_in_the_selection(cli_env: str) -> None:
    result = runner.invoke(app, ["materialize", "--dbt-debug-log", "--select", "group:kalshi"])
    assert result.exit_code == 2
    assert "--dbt-debug-log logs dbt models, but the selection has none" in result.output
