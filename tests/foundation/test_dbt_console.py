"""dbt's console for dagster-dbt (orchestration/lib/dbt_console.py): JSON exactly for the lines
dagster-dbt parses, dbt's message text for the rest, secrets scrubbed; real dbt events."""

from __future__ import annotations

import json

from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dbt.adapters.events.types import SQLQuery
from dbt.events.types import LogModelResult, LogStartLine, RunResultError
from dbt_common.events.base_types import EventLevel, msg_from_base_event

from orchestration.lib.dbt_console import console, quiet_console, wanted

NODE = {"unique_id": "model.tradelake.fills", "node_name": "fills", "resource_type": "model"}
START = LogStartLine(description="sql table model core.fills", index=1, total=2, node_info=NODE)
RESULT = LogModelResult(
    description="sql table model core.fills",
    status="SELECT 3",
    index=1,
    total=2,
    execution_time=0.25,
    node_info=NODE,
)
QUERY = SQLQuery(conn_name="model.tradelake.fills", sql="select 1", node_info=NODE)
ERROR = RunResultError(msg='relation "core.nope" does not exist', node_info=NODE)


def written(level: str, *events: tuple[object, EventLevel | None]) -> list[str]:
    out: list[str] = []
    callback = console(level, out.append)
    for event, at in events:
        callback(msg_from_base_event(event, at))
    return [line.removesuffix("\n") for line in out]


def test_results_and_errors_are_dbt_json_the_rest_text() -> None:
    start, result, error = written(
        "info", (START, None), (QUERY, None), (RESULT, EventLevel.INFO), (ERROR, None)
    )
    assert start == START.message()  # as dagster-dbt shows a JSON line: its message
    assert start.startswith("1 of 2 START sql table model core.fills ")

    parsed = json.loads(result)
    assert parsed["info"]["name"] == "LogModelResult" and parsed["info"]["level"] == "info"
    assert parsed["data"]["node_info"]["unique_id"] == "model.tradelake.fills"
    assert parsed["data"]["status"] == "SELECT 3" and parsed["info"]["msg"] == RESULT.message()
    assert DbtCoreCliEventMessage(raw_event=parsed, event_history_metadata={}).is_result_event

    parsed = json.loads(error)  # dagster-dbt collects the messages of error-level JSON lines
    assert parsed["info"]["level"] == "error" and parsed["info"]["name"] == "RunResultError"
    assert 'relation "core.nope" does not exist' in parsed["info"]["msg"]


def test_the_level_is_dbts_console_level() -> None:
    assert written("info", (QUERY, None)) == []
    assert written("debug", (QUERY, None)) == ["On model.tradelake.fills: select 1"]
    assert len(written("error", (START, None), (RESULT, EventLevel.INFO), (ERROR, None))) == 1


def test_secrets_are_scrubbed_from_text_and_json(monkeypatch) -> None:
    monkeypatch.setenv("DBT_ENV_SECRET_TOKEN", "hunter2")
    leaky = LogStartLine(description="sql table model hunter2", index=1, total=1, node_info=NODE)
    bad = RunResultError(msg="password hunter2 refused", node_info=NODE)
    text, line = written("info", (leaky, None), (bad, None))
    assert "hunter2" not in text and "*****" in text
    assert "hunter2" not in line and "*****" in json.loads(line)["info"]["msg"]


def test_only_dagster_dbts_json_console_is_replaced() -> None:
    dagster = {"DAGSTER_DBT_CLI": "true", "DBT_LOG_FORMAT": "json"}
    assert wanted(["build", "--select", "x"], dagster)
    assert not wanted(["build"], {"DBT_LOG_FORMAT": "json"})  # dbt run by hand
    assert not wanted(["build"], {**dagster, "DBT_LOG_FORMAT": "text"})
    assert not wanted(["build", "--log-level", "debug"], dagster)
    assert not wanted(["build", "--log-level=debug"], dagster)
    assert not wanted(["--debug", "build"], dagster)
    assert not wanted(["build", "--log-cache-events"], dagster)
    assert not wanted(["build"], {**dagster, "DBT_DEBUG": "1"})


def test_dbt_log_keeps_its_level_when_the_console_goes_quiet() -> None:
    """dbt.log follows the console's level unless given its own: with the console at `none`
    it would vanish, and a failed step would keep no log of the statements it ran."""
    assert quiet_console(["build"], {}) == {
        "DBT_LOG_LEVEL": "none",
        "DBT_LOG_LEVEL_FILE": "debug",  # dbt's default for its file
        "DBT_LOG_FORMAT_FILE": "debug",  # dbt's text lines, not the console's JSON
    }
    assert quiet_console(["build"], {"DBT_LOG_LEVEL": "info"})["DBT_LOG_LEVEL_FILE"] == "info"
    assert quiet_console(["build", "--log-level-file", "warn"], {}) == {
        "DBT_LOG_LEVEL": "none",
        "DBT_LOG_FORMAT_FILE": "debug",
    }
    assert quiet_console(
        ["build"], {"DBT_LOG_LEVEL_FILE": "warn", "DBT_LOG_FORMAT_FILE": "json"}
    ) == {"DBT_LOG_LEVEL": "none"}
