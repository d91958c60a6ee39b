"""dbt's console output when dagster-dbt reads it: JSON only for the lines it parses.

dagster-dbt runs dbt with `DBT_LOG_FORMAT=json`, so dbt turns every console event into JSON
(protobuf's MessageToDict of the event and its node, then `json.dumps` and a scan of the
environment for secrets): in the dbt step of a no-op run of the dbt groups on the 2-core machine,
16.5–18.2 s with it against 14.7–15.3 s with this console (alternated three times;
docs/benchmarks.md, twelfth pass). dagster-dbt parses only some of them:
a node's result (a materialization or a check result), an error (the step's error message),
and `JinjaLogInfo` (column metadata a macro may log); every other line it passes on to the
step's log as text. `console` writes exactly those as dbt's own JSON and the rest as dbt's
message text, through dbt's public event callbacks (what `dbtRunner(callbacks=…)` passes), with
dbt's own stdout logger off. Warnings stay JSON too, so that nothing a reader could key on is
lost; secrets (`DBT_ENV_SECRET_*`) are scrubbed from every line as dbt scrubs them.

It is used only when the console is dagster-dbt's (`DAGSTER_DBT_CLI`, JSON asked for) and the
arguments leave dbt's console settings alone; `tradelake-dbt` run by hand prints what dbt
prints."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

LEVELS = {"debug": 0, "info": 1, "warn": 2, "error": 3}
# the events dagster-dbt parses (DbtCoreCliEventMessage.is_result_event, stream_raw_events)
PARSED = frozenset(
    {"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult", "JinjaLogInfo"}
)
# arguments that change dbt's console: with any of them dbt keeps its own
CONSOLE_FLAGS = frozenset(
    {"--log-level", "--log-format", "--debug", "-d", "--quiet", "-q", "--log-cache-events"}
)


def wanted(argv: Sequence[str], env: dict[str, str]) -> bool:
    """Whether dbt's console is dagster-dbt's JSON and nothing else asks for another."""
    return (
        env.get("DAGSTER_DBT_CLI") == "true"
        and env.get("DBT_LOG_FORMAT") == "json"
        and not any(env.get(name) for name in ("DBT_DEBUG", "DBT_QUIET", "DBT_LOG_CACHE_EVENTS"))
        and not flag_names(argv) & CONSOLE_FLAGS
    )


def quiet_console(argv: Sequence[str], env: dict[str, str]) -> dict[str, str]:
    """The environment that turns dbt's stdout logger off (`console` writes instead) and keeps
    dbt.log as it would be: dbt.log follows the console's level and format unless given its
    own, so its level stays what it was (debug by default: every statement, for a failed step's
    diagnosis) and its lines are dbt's debug text rather than the console's JSON, which nobody
    parses there (≈ 0.7 s of a no-op dbt step)."""
    flags = flag_names(argv)
    quiet = {"DBT_LOG_LEVEL": "none"}
    if "DBT_LOG_LEVEL_FILE" not in env and "--log-level-file" not in flags:
        quiet["DBT_LOG_LEVEL_FILE"] = env.get("DBT_LOG_LEVEL", "debug")
    if "DBT_LOG_FORMAT_FILE" not in env and "--log-format-file" not in flags:
        quiet["DBT_LOG_FORMAT_FILE"] = "debug"
    return quiet


def flag_names(argv: Sequence[str]) -> set[str]:
    """The flags (and other words) of a dbt command line, `--flag=value` named as `--flag`."""
    return {arg.split("=", 1)[0] for arg in argv}


def console(level: str = "info", write: Callable[[str], Any] | None = None):
    """A dbt event callback that writes what dbt's stdout logger at `level` would, JSON only
    where dagster-dbt parses it."""
    from dbt_common.events.functions import msg_to_json, stdout_filter
    from dbt_common.events.logger import LineFormat
    from dbt_common.exceptions import env_secrets, scrub_secrets

    least = LEVELS[level]
    secrets = env_secrets()  # dbt reads them from the environment for every line; it is fixed
    lock = threading.Lock()  # dbt fires events from its worker threads

    def out(line: str) -> None:
        sys.stdout.write(line)
        sys.stdout.flush()  # a line as soon as it is written: the step streams the results

    write = write or out

    def callback(msg) -> None:
        info = msg.info
        rank = LEVELS.get(info.level, 1)
        if rank < least or not stdout_filter(False, LineFormat.Json, msg):  # dbt's own filter
            return
        json = rank >= LEVELS["warn"] or info.name in PARSED
        line = scrub_secrets(msg_to_json(msg) if json else info.msg, secrets)
        with lock:
            write(line + "\n")

    return callback


def run(prog_name: str, manifest: Any = None) -> None:
    """dbt's command line (`sys.argv`), as the `dbt` script runs it: exits with dbt's code.
    With `manifest`, dbt runs on it instead of parsing the project (dbtRunner(manifest=…))."""
    from dbt.cli.main import cli

    obj = {} if manifest is None else {"manifest": manifest}
    if not wanted(sys.argv[1:], dict(os.environ)):
        cli.main(prog_name=prog_name, obj=obj or None)
        return
    level = os.environ.get("DBT_LOG_LEVEL", "info")
    os.environ.update(quiet_console(sys.argv[1:], dict(os.environ)))
    callbacks = [console(level if level in LEVELS else "info")]
    # the callbacks as dbtRunner(callbacks=…) hands them to dbt, with the script's exit codes
    cli.main(prog_name=prog_name, obj={**obj, "callbacks": callbacks})
