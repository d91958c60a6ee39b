"""The `tradelake` command (CONTRACT §1)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from orchestration.lib.process import tune_gc
from tradelake_cli.console import PROJECT_ROOT, console, database_lost, err, fail, start_dagster

tune_gc()  # before Dagster, dbt or the database are loaded (orchestration/lib/process.py)

app = typer.Typer(
    help="tradelake: prediction-market and crypto trading data platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
DBT_DIR = PROJECT_ROOT / "dbt_project"


def _prepare(check_config: bool = True) -> str:
    # Imported here, not at the top: `tradelake --help` and a bad option never load them.
    from ingestion.db import DatabaseUnavailable
    from ingestion.settings import ConfigError, load_settings
    from tradelake_cli import runtime

    try:
        if check_config:
            from ingestion.kalshi.auth import check_key_file

            check_key_file(load_settings())
        with err.status("starting database and applying migrations"):
            url = runtime.prepare()
    except (ConfigError, DatabaseUnavailable) as exc:
        raise fail(str(exc)) from None
    for notice in runtime.notices:  # e.g. least privilege not enforced (ingestion/roles.py)
        err.print(f"[bold yellow]warning:[/] {escape(notice)}", highlight=False)
    return url


@app.command()
def migrate() -> None:
    """Apply all migrations to the configured database (idempotent)."""
    from ingestion.schema import current_heads

    url = _prepare(check_config=False)
    console.print(f"migrations applied; heads: {', '.join(sorted(current_heads(url)))}")


@app.command()
def materialize(
    select: Annotated[
        str | None,
        typer.Option(
            help="Asset selection, e.g. 'group:kalshi' or 'key:core/fills'. Default: all."
        ),
    ] = None,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Rebuild the incremental dbt models from all of history (after a logic change, "
            "or for data that arrived later than their look-back).",
        ),
    ] = False,
    no_wait: Annotated[
        bool,
        typer.Option(
            "--no-wait",
            help="Exit with code 3 instead of waiting when another run holds the run lock.",
        ),
    ] = False,
) -> None:
    """Run assets once, in process, through the same definitions the schedules use."""
    _prepare()  # configuration and database errors first, before Dagster is loaded
    from tradelake_cli.run import SelectionError, print_summary
    from tradelake_cli.run import materialize as run
    from tradelake_cli.runlock import EXIT_BUSY, RunLockBusy

    try:
        summary = run(
            select,
            console,
            full_refresh=full_refresh,
            wait=not no_wait,
            notify=lambda message: err.print(message, markup=False, highlight=False),
        )
    except SelectionError as exc:
        raise fail(str(exc)) from None
    except RunLockBusy as exc:
        raise fail(str(exc), EXIT_BUSY) from None
    except Exception as exc:
        lost = database_lost(exc)
        if lost is None:
            raise
        raise lost from None
    print_summary(summary, console)
    raise typer.Exit(summary.exit_code)


@app.command()
def demo(
    no_ui: Annotated[bool, typer.Option("--no-ui", help="Stop after the run.")] = False,
    port: Annotated[int, typer.Option(help="Dagster UI port.")] = 3000,
) -> None:
    """Offline demo: embedded database, recorded API responses, full run, report, then the UI."""
    from tradelake_cli.demo import run_demo

    code = run_demo(console, no_ui=no_ui, port=port)
    raise typer.Exit(code)


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="Dagster UI port.")] = 3000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """Dagster UI + daemon (schedules, sensors) on the configured database; on a state folder
    made by `tradelake demo`, on the demo's data with its configuration and recordings."""
    from ingestion.settings import tradelake_home
    from tradelake_cli.demo import demo_environment, is_demo_home

    home = tradelake_home()
    if is_demo_home(home):
        os.environ.update(demo_environment(home))
        err.print(
            f"{home} is a demo's state folder: opening it with the demo configuration and its "
            "recorded venue responses (nothing leaves the machine)",
            highlight=False,
        )
    _prepare()
    raise typer.Exit(start_dagster(host, port))


@app.command()
def docs(
    serve: Annotated[bool, typer.Option("--serve", help="Serve the site after building.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8080,
) -> None:
    """Generate (and serve) the dbt docs site, with the Data Docs of the suites at /quality/."""
    from ingestion.settings import tradelake_home
    from quality.docs import build_data_docs, docs_dir

    _prepare(check_config=False)
    dbt = str(Path(sys.executable).parent / "dbt")
    common = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    with err.status("dbt docs generate"):
        done = subprocess.run([dbt, "docs", "generate", *common], capture_output=True, text=True)
    if done.returncode != 0:
        raise fail(f"dbt docs generate failed:\n{done.stdout[-2000:]}", 1)
    console.print(f"docs site written to {DBT_DIR / 'target' / 'index.html'}")
    home = tradelake_home()
    with err.status("Great Expectations Data Docs"):
        quality_index = build_data_docs(home)
    if quality_index is None:
        console.print(
            "no data-quality suite has run yet, so no Data Docs: run `tradelake materialize`"
        )
    else:
        console.print(f"Data Docs (Great Expectations) written to {quality_index}")
    if serve:
        from tradelake_cli.docs_site import QUALITY_PREFIX, make_server

        server = make_server("127.0.0.1", port, DBT_DIR / "target", docs_dir(home))
        console.print(f"serving the dbt docs on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        console.print(
            f"data quality (Data Docs): http://127.0.0.1:{port}{QUALITY_PREFIX}index.html"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@app.command()
def report(
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant the report must cover. Default: latest.")
    ] = None,
) -> None:
    """Print the 4h report (markdown) covering an instant, default the latest."""
    from tradelake_cli.reports import ReportNotFound, find_report

    instant = None
    if at:
        try:
            instant = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            raise fail(f"--at {at!r} is not ISO 8601, e.g. 2025-11-23T16:00:00Z") from None
    url = _prepare(check_config=False)
    try:
        markdown = find_report(url, instant)
    except ReportNotFound as exc:
        raise fail(str(exc), 1) from None
    # The report verbatim: never re-wrapped to a width (a wrapped markdown table breaks, and
    # `tradelake report > file` must give the file the report as dbt wrote it).
    sys.stdout.write(markdown if markdown.endswith("\n") else markdown + "\n")


@app.command()
def verify() -> None:
    """Recompute every ledger's hash chain and compare it with the digests kept outside the
    database (under $TRADELAKE_HOME/digests): exit 0 intact, 1 broken (table and first broken
    row named), 2 when it cannot run."""
    from ingestion.settings import tradelake_home
    from tradelake_cli import runtime
    from tradelake_cli.verify import CannotVerify, run_verify

    runtime.quiet_warnings()
    try:
        code = run_verify(tradelake_home(), console)
    except CannotVerify as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def challenges() -> None:
    """Print every prop-firm challenge: status, equity, profit and drawdowns against their
    limits, trading days and the last event (marts.challenges, rebuilt from its events)."""
    from tradelake_cli.challenges import NotBuilt, print_challenges

    url = _prepare(check_config=False)
    try:
        print_challenges(url, console)
    except NotBuilt as exc:
        raise fail(str(exc), 1) from None


@app.command("load-ref")
def load_ref(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Folder with <table>.csv files: strategies, probability_models, order_tags, "
            "model_probabilities, probability_matrices, challenges (any subset)."
        ),
    ],
) -> None:
    """Load reference data (CONTRACT §7) from CSV files into `ref` (re-loading is a no-op)."""
    import psycopg

    from ingestion.ref_data import REF_TABLES, RefDataError, load_ref_dir

    if not directory.is_dir():
        raise fail(f"{directory} is not a folder: pass the folder holding the <table>.csv files")
    known = {f"{t.name}.csv" for t in REF_TABLES}
    if not any((directory / name).exists() for name in known):
        raise fail(f"{directory} holds none of {', '.join(sorted(known))}")
    url = _prepare(check_config=False)
    try:
        with psycopg.connect(url) as conn:
            loaded = load_ref_dir(conn, directory)
    except RefDataError as exc:
        raise fail(f"{exc} (nothing of this load was kept)", 1) from None
    counts = ", ".join(f"{n} new in ref.{table}" for table, n in loaded.items() if n)
    console.print(counts or "nothing new: every row was already loaded")
    console.print("marts that read ref refresh on the next `tradelake materialize` (or the daemon)")


@app.command("db-stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL (it keeps running between commands)."""
    from ingestion.db import stop_embedded
    from tradelake_cli import runtime

    runtime.quiet_warnings()
    if os.environ.get("DATABASE_URL"):
        raise fail("DATABASE_URL is set: tradelake does not manage that server", 1)
    console.print("stopped" if stop_embedded() else "the embedded database was not running")


if __name__ == "__main__":
    app()
