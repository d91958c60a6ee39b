"""`tradelake` end to end, in process: same definitions, real PostgreSQL, dbt and Dagster."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from tests.probes import run_python
from tradelake_cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path):
    """Environment of an operator running the demo config against the test database."""
    saved = dict(os.environ)
    from tradelake_cli.demo import demo_environment

    os.environ.update(demo_environment(tmp_path))
    os.environ.update({"DATABASE_URL": db_url, "TRADELAKE_HOME": str(tmp_path)})
    yield db_url
    os.environ.clear()
    os.environ.update(saved)


def ledger_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'ledger'"
        ).fetchall()
        return {
            t: conn.execute(f'select count(*) from ledger."{t}"').fetchone()[0] for (t,) in tables
        }


@pytest.mark.slow
def test_materialize_everything_twice_adds_nothing_the_second_time(cli_env: str) -> None:
    first = runner.invoke(app, ["materialize"])
    assert first.exit_code == 0, first.output
    assert "succeeded" in first.output
    after_first = ledger_counts(cli_env)
    with psycopg.connect(cli_env) as conn:
        raw_pages = conn.execute("select count(*) from raw.pages").fetchone()[0]
        dbt_tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'core'"
        ).fetchone()[0]
    assert dbt_tables >= 10  # every CONTRACT §5 relation was built by dbt
    if after_first:  # sources present: they landed pages and loaded rows
        assert raw_pages > 0 and sum(after_first.values()) > 0

    # dbt models carry row counts and their built column schema in the UI
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["core", "fills"]))
    metadata = event.asset_materialization.metadata
    assert metadata["dagster/row_count"].value > 0
    columns = {c.name for c in metadata["dagster/column_schema"].schema.columns}
    assert {"venue", "fill_id", "price", "quantity", "fee", "executed_at"} <= columns

    # the dbt steps removed their target folders (dagster-dbt makes one per step and run)
    with dg.DagsterInstance.get() as instance:
        run_id = instance.get_runs(limit=1)[0].run_id
    target = ROOT / "dbt_project" / "target"
    assert not list(target.glob(f"tradelake_dbt*-{run_id[:7]}-*"))
    # both dbt steps ran on the project as the run's fork server parsed it (dbt_forkserver.py)
    from tradelake_cli.run import log_file

    log = log_file(run_id).read_text()
    assert log.count("Running dbt command") == 2
    assert "parses the project itself" not in log

    # Dagster's storage sessions skip the WAL flush wait; the ledgers' sessions keep it
    import sqlalchemy as sa

    engine = sa.create_engine(os.environ["TRADELAKE_DAGSTER_PG_URL"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("show synchronous_commit")).scalar() == "off"
        assert conn.execute(sa.text("show lock_timeout")).scalar() != "0"
    engine.dispose()
    with psycopg.connect(cli_env) as conn:
        assert conn.execute("show synchronous_commit").fetchone()[0] == "on"

    # `tradelake report` writes the latest report verbatim: not re-wrapped at 80 columns (the
    # runner's output is not a terminal, as in `tradelake report > file`)
    with psycopg.connect(cli_env) as conn:
        latest = conn.execute(
            "select summary_markdown from marts.reports order by period_end desc limit 1"
        ).fetchone()[0]
    shown = runner.invoke(app, ["report"])
    assert shown.exit_code == 0, shown.output
    assert shown.output == latest + "\n" and max(map(len, latest.splitlines())) > 80

    fills_before = fills_relation(cli_env)
    second = runner.invoke(app, ["materialize"])
    assert second.exit_code == 0, second.output
    assert ledger_counts(cli_env) == after_first
    # core.fills is incremental: the second build merged into the same table
    assert fills_relation(cli_env) == fills_before

    # --full-refresh rebuilds it (a new relation) with the same rows
    third = runner.invoke(app, ["materialize", "--full-refresh", "--select", "key:core/fills"])
    assert third.exit_code == 0, third.output
    rebuilt = fills_relation(cli_env)
    assert rebuilt[0] != fills_before[0] and rebuilt[1] == fills_before[1]


def fills_relation(url: str) -> tuple[int, int]:
    """core.fills' table oid (new when the table is rebuilt) and its row count."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select 'core.fills'::regclass::oid::int, (select count(*) from core.fills)"
        ).fetchone()


def test_full_refresh_needs_dbt_assets_in_the_selection(cli_env: str) -> None:
    result = runner.invoke(app, ["materialize", "--full-refresh", "--select", "group:kalshi"])
    assert result.exit_code == 2
    assert "--full-refresh rebuilds dbt models, but the selection has none" in result.output


def test_materialize_rejects_an_unknown_selection(cli_env: str) -> None:
    result = runner.invoke(app, ["materialize", "--select", "key:does/not/exist"])
    assert result.exit_code == 2
    assert "matches no asset" in result.output


def test_missing_config_is_one_line_with_the_fix(cli_env: str, tmp_path: Path) -> None:
    os.environ["TRADELAKE_CONFIG"] = str(tmp_path / "nope.yaml")
    result = runner.invoke(app, ["materialize"])
    assert result.exit_code == 2
    assert "not found" in result.output and "TRADELAKE_CONFIG" in result.output
    assert "Traceback" not in result.output


def test_unreachable_database_is_one_line_with_the_fix(cli_env: str) -> None:
    os.environ["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/nowhere"
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output and "Traceback" not in result.output


def test_migrate_is_idempotent_and_report_says_when_none_exists(cli_env: str) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    again = runner.invoke(app, ["migrate"])
    assert again.exit_code == 0 and "heads" in again.output
    with psycopg.connect(cli_env) as conn:
        has_reports = conn.execute("select to_regclass('marts.reports')").fetchone()[0]
    if has_reports is None:
        result = runner.invoke(app, ["report"])
        assert result.exit_code == 1 and "no report exists yet" in result.output
    bad = runner.invoke(app, ["report", "--at", "yesterday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output


def test_load_ref_loads_the_demo_reference_data_once(cli_env: str, tmp_path: Path) -> None:
    first = runner.invoke(app, ["load-ref", str(ROOT / "demo" / "ref")])
    assert first.exit_code == 0, first.output
    assert "new in ref.strategies" in first.output
    with psycopg.connect(cli_env) as conn:
        tags = conn.execute("select count(*) from ref.order_tags").fetchone()[0]
    assert tags > 0
    again = runner.invoke(app, ["load-ref", str(ROOT / "demo" / "ref")])
    assert again.exit_code == 0 and "nothing new" in again.output

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "strategies.csv").write_text(
        "strategy_name,strategy_version,strategy_type,config\nx,1,momentum,{not json\n"
    )
    refused = runner.invoke(app, ["load-ref", str(bad)])
    assert refused.exit_code == 1 and "strategies.csv" in refused.output
    assert "nothing of this load was kept" in refused.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["load-ref", str(empty)]).exit_code == 2


# Issue #20 part 10: bad configuration stops the run at load, exit 2, naming key/variable and line.
DEMO_YAML = (ROOT / "demo" / "tradelake.yaml").read_text()
WHALE = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
NOT_HEX = WHALE[:-1] + "g"


def demo_line(fragment: str) -> int:
    """The 1-based line of the demo config holding `fragment` (what the error must name)."""
    return next(n for n, line in enumerate(DEMO_YAML.splitlines(), 1) if fragment in line)


def nothing_sent(url: str) -> bool:
    with psycopg.connect(url) as conn:
        pages = conn.execute("select count(*) from raw.pages").fetchone()[0]
        runs = conn.execute("select count(*) from ops.sync_runs").fetchone()[0]
    return pages == 0 and runs == 0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda text: text.replace("\nwallets:", "\nwalets:"),
            f"line {demo_line('wallets:')}: unknown key 'walets' (did you mean 'wallets'?)",
        ),
        (
            lambda text: text.replace(WHALE, NOT_HEX),
            f"line {demo_line(WHALE)}: wallets[0].address: '{NOT_HEX}' is not an address: "
            "expected 0x followed by 40 hex digits",
        ),
    ],
    ids=["misspelt-key", "non-hex-address"],
)
def test_bad_config_exits_2_before_any_request(cli_env: str, tmp_path: Path, edit, message) -> None:
    path = tmp_path / "tradelake.yaml"
    path.write_text(edit(DEMO_YAML))
    os.environ["TRADELAKE_CONFIG"] = str(path)
    result = runner.invoke(app, ["materialize"])
    assert result.exit_code == 2, result.output
    assert f"{path} {message}" in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert nothing_sent(cli_env)


def _not_rsa_key(tmp_path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ec.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "absent.pem", "no such file"),
        (lambda tmp: tmp, "is a directory, not a key file"),
        (
            lambda tmp: (
                (tmp / "cert.pem").write_text(
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                )
                and tmp / "cert.pem"
            ),
            "not a PEM private key",
        ),
        (_not_rsa_key, "not an RSA private key"),
    ],
    ids=["missing", "directory", "not-a-key", "ec-key"],
)
def test_unusable_kalshi_key_file_names_the_variable_and_exits_2(
    cli_env: str, tmp_path: Path, make, reason: str
) -> None:
    path = make(tmp_path)
    os.environ["KALSHI_PRIVATE_KEY_PATH"] = str(path)
    result = runner.invoke(app, ["materialize"])
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert f"KALSHI_PRIVATE_KEY_PATH={path}: {reason}" in output, output
    assert "Traceback" not in result.output
    assert nothing_sent(cli_env)


@pytest.mark.parametrize(
    "args", [["--help"], ["materialize"], ["report", "--at", "not-a-time"], ["verify"]]
)
def test_help_and_configuration_errors_never_load_dagster_or_dbt(args, tmp_path) -> None:
    """The CLI's imports stay lazy: help and a configuration error (here: no tradelake.yaml)
    answer without loading Dagster, dagster-dbt, dbt or alembic (seconds of imports)."""

    code = (
        "import sys\n"
        "from tradelake_cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'dagster', 'dagster_dbt', 'dbt', 'alembic', 'matplotlib'})\n"
        "print('HEAVY', heavy)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TRADELAKE_CONFIG", "DATABASE_URL")}
    env["TRADELAKE_HOME"] = str(tmp_path / "home")
    done = run_python(code, cwd=tmp_path, env=env)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr[-2000:]


def test_the_cli_leaves_its_objects_to_the_os_at_exit(tmp_path) -> None:
    """The interpreter's last garbage collection walked every object a run left (Dagster, dbt's
    manifest, Great Expectations): ≈ 1.6 s after the work was done. The CLI freezes them at
    exit, after every other exit handler has run, and collects less often."""

    from orchestration.lib.process import THRESHOLDS

    code = (
        "import atexit, gc\n"
        "from tradelake_cli.main import app\n"
        "assert gc.get_freeze_count() == 0\n"
        "print('THRESHOLDS', gc.get_threshold())\n"
        "atexit._run_exitfuncs()\n"
        "print('FROZEN', gc.get_freeze_count())\n"
    )
    done = run_python(code, cwd=tmp_path)
    frozen = int(done.stdout.split("FROZEN")[-1]) if "FROZEN" in done.stdout else 0
    assert frozen > 10_000, done.stdout + done.stderr[-2000:]
    # and it collects less often while it runs (orchestration/lib/process.py)
    assert f"THRESHOLDS {THRESHOLDS}" in done.stdout
