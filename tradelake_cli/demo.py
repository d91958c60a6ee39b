"""`tradelake demo`: the whole product offline, on recorded venue responses shipped in the repo.

Only the HTTP transport differs from a live run (TRADELAKE_REPLAY_DIR): the same definitions,
assets, loader, dbt build and checks run against the embedded database.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.table import Table

from ingestion.settings import tradelake_home
from tradelake_cli import runtime

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Credentials only exist so that signed requests are built and signed exactly as in production;
# the recorded transport answers them, nothing leaves the machine.
DEMO_ENV = {
    "KALSHI_API_KEY_ID": "demo-kalshi-key-id",
    "OKX_API_KEY": "demo-okx-key",
    "OKX_API_SECRET": "demo-okx-secret",
    "OKX_API_PASSPHRASE": "demo-okx-passphrase",
    "ETHERSCAN_API_KEY": "demo-etherscan-key",
}


# Written into a state folder by `tradelake demo`: `tradelake dev` on that folder opens the
# demo's data with the demo's configuration and recorded responses.
DEMO_MARKER = Path("demo") / "README"


def is_demo_home(home: Path) -> bool:
    return (home / DEMO_MARKER).is_file()


def demo_environment(home: Path) -> dict[str, str]:
    marker = home / DEMO_MARKER
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(
            "This state folder was made by `tradelake demo` (recorded venue responses, the "
            "demo configuration demo/tradelake.yaml).\n`tradelake dev` with TRADELAKE_HOME "
            "pointing here opens the Dagster UI on the demo's data, with the same recordings.\n"
        )
    key_path = home / "demo" / "kalshi-demo.pem"
    if not key_path.exists():
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
    return {
        **DEMO_ENV,
        "KALSHI_PRIVATE_KEY_PATH": str(key_path),
        "TRADELAKE_CONFIG": str(PROJECT_ROOT / "demo" / "tradelake.yaml"),
        "TRADELAKE_REPLAY_DIR": str(PROJECT_ROOT / "tests" / "fixtures"),
    }


def run_demo(console: Console, *, no_ui: bool, port: int) -> int:
    from tradelake_cli.console import database_lost, fail, start_dagster
    from tradelake_cli.reports import ReportNotFound, find_report
    from tradelake_cli.run import materialize, print_summary

    home = tradelake_home()
    embedded_before = os.environ.get("DATABASE_URL")
    os.environ["TRADELAKE_HOME"] = str(home)
    os.environ.update(demo_environment(home))
    console.rule("tradelake demo (offline, recorded venue responses)")
    try:
        with console.status("starting the embedded database and applying migrations"):
            url = runtime.prepare()
    except Exception as exc:
        raise fail(str(exc)) from None
    where = "DATABASE_URL" if embedded_before is not None else f"embedded, {home / 'pgdata'}"
    console.print(f"database ready ({where}); migrations applied")
    load_demo_ref_data(url, console)
    try:
        summary = materialize(None, console)  # under the run lock, like `tradelake materialize`
    except Exception as exc:
        lost = database_lost(exc)
        if lost is None:
            raise
        raise lost from None
    print_summary(summary, console)
    if summary.database_lost:
        return summary.exit_code  # print_summary said so; nothing more can be read
    print_data_summary(url, console)
    console.rule("latest 4h report")
    try:
        console.print(find_report(url, None), markup=False, highlight=False, soft_wrap=True)
    except ReportNotFound as exc:
        console.print(str(exc))
    print_latest_trading_report(url, console)
    print_demo_challenges(url, console)
    console.print(f"state folder: {home}  (embedded PostgreSQL in {home / 'pgdata'})")
    if no_ui:
        console.print(
            f"UI: run `{dev_command(home)}` to open the Dagster UI on this data", soft_wrap=True
        )
        return summary.exit_code
    start_dagster("127.0.0.1", port)
    return summary.exit_code


def dev_command(home: Path) -> str:
    """The command that opens this demo's data: `tradelake dev` finds the state folder by
    TRADELAKE_HOME (default ./.tradelake), so name it unless the default already finds it."""
    if home.resolve() == (Path.cwd() / ".tradelake").resolve():
        return "tradelake dev"
    return f"TRADELAKE_HOME={shlex.quote(str(home))} tradelake dev"


def print_demo_challenges(url: str, console: Console) -> None:
    """The demo's three challenges (demo/ref/challenges.csv) on the recorded fills."""
    from tradelake_cli.challenges import NotBuilt, print_challenges

    console.rule("prop-firm challenges (tradelake challenges)")
    try:
        print_challenges(url, console)
    except NotBuilt as exc:
        console.print(str(exc))


def print_latest_trading_report(url: str, console: Console) -> None:
    """The recorded trading days are in the past: the latest window (now) has little in it, so
    the demo also shows the most recent window with own fills."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select period_start, summary_markdown from marts.reports "
            "where (metrics->>'fills')::int > 0 order by period_start desc limit 1"
        ).fetchone()
        latest = conn.execute("select max(period_start) from marts.reports").fetchone()
    if row is None or (latest and latest[0] == row[0]):
        return
    start = row[0].strftime("%Y-%m-%dT%H:%MZ")
    console.rule(f"latest 4h report with own fills (tradelake report --at {start})")
    console.print(row[1], markup=False, highlight=False, soft_wrap=True)


def load_demo_ref_data(url: str, console: Console) -> None:
    """What the trading side would write: strategy/model versions, order tags, probabilities."""
    from ingestion.ref_data import RefDataError, load_ref_dir
    from tradelake_cli.console import fail

    try:
        with psycopg.connect(url) as conn:
            loaded = load_ref_dir(conn, PROJECT_ROOT / "demo" / "ref")
    except RefDataError as exc:
        # ref rows are immutable: a state folder loaded by an older demo/ref (e.g. numeric
        # confidences before 0203) keeps the old rows
        raise fail(
            f"{exc}\nThe demo's reference data changed since this state folder was loaded. "
            f"Start the demo afresh: remove {tradelake_home()} (or set TRADELAKE_HOME to a "
            "new folder) and run `tradelake demo` again."
        ) from None
    counts = ", ".join(f"{n} {table}" for table, n in loaded.items()) or "nothing new"
    console.print(f"reference data from demo/ref: {counts}")


def print_data_summary(url: str, console: Console) -> None:
    table = Table(title="what was loaded")
    table.add_column("relation")
    table.add_column("rows", justify="right")
    with psycopg.connect(url) as conn:
        relations = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('ledger', 'ref', 'core', 'marts') order by 1"
        ).fetchall()
        for (name,) in relations:
            schema, rel = name.split(".")
            count = conn.execute(f'select count(*) from "{schema}"."{rel}"').fetchone()
            table.add_row(name, str(count[0] if count else 0))
        pages = conn.execute("select count(*) from raw.pages").fetchone()
        quarantined = conn.execute("select count(*) from ops.quarantine").fetchone()
    console.print(table)
    console.print(
        f"raw pages landed: {pages[0] if pages else 0}; "
        f"records in quarantine: {quarantined[0] if quarantined else 0} (ops.quarantine)"
    )
