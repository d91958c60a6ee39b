"""Least privilege (issue #20 part 6): loaders and dbt connect as their own roles, which cannot
rewrite ledger history; the owner (migrations) stays apart. Exercised on the Kalshi ledgers (the
loaders need a venue; the grants are the same for every ledger)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from ingestion import roles
from ingestion.kalshi.sync import sync_fills
from ingestion.roles import dbt_env
from ingestion.schema import alembic_config, migrate
from ingestion.sync import run_stream
from tests.conftest import _with_db
from tests.dbt_runner import dbt_build

_plain = itertools.count()
PIPELINE_ROLES = (roles.INGEST_ROLE, roles.DBT_ROLE)

# Each statement is one way code could rewrite history; all must be refused by privileges
# (the append-only triggers are the second line, and a superuser could disable them).
BYPASSES = {
    "update": "update ledger.kalshi_fills set price = 0",
    "delete": "delete from ledger.kalshi_fills",
    "truncate": "truncate ledger.kalshi_fills",
    "disable_triggers": "alter table ledger.kalshi_fills disable trigger all",
    "replication_role": "set session_replication_role = replica",
    "drop": "drop table ledger.kalshi_fills",
    "write_ref": "insert into ref.strategies (strategy_name, strategy_version, strategy_type, "
    "config) values ('s', '1', 't', '{}')",
    "become_owner": "set role postgres",
}


def _fill_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from ledger.kalshi_fills").fetchone()[0]


@pytest.mark.parametrize("role", PIPELINE_ROLES)
@pytest.mark.parametrize("bypass", sorted(BYPASSES))
def test_pipeline_roles_cannot_rewrite_ledgers(
    kalshi_ctx, db_url: str, role: str, bypass: str
) -> None:
    sync_fills(kalshi_ctx())  # rows to rewrite, loaded as tradelake_ingest
    before = _fill_count(db_url)
    assert before == 6
    url = roles.role_url(db_url, role)
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("select current_user").fetchone()[0] == role
        with pytest.raises(errors.InsufficientPrivilege) as refused:
            conn.execute(BYPASSES[bypass])
    # refused by privileges, not only by the append-only trigger (which a superuser can disable)
    assert "append-only" not in str(refused.value)
    assert _fill_count(db_url) == before


def test_the_owner_could_rewrite_history(kalshi_ctx, db_url: str) -> None:
    """Why the pipeline must not run as the owner: a superuser disables the append-only triggers
    with one SET and rewrites a fill (rolled back here)."""
    sync_fills(kalshi_ctx())
    with psycopg.connect(db_url) as conn:
        conn.execute("set session_replication_role = replica")
        rewritten = conn.execute("update ledger.kalshi_fills set price = 0").rowcount
        conn.rollback()
    assert rewritten == 6


def test_roles_are_plain_logins(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, "
            "rolbypassrls from pg_roles where rolname like 'tradelake%%' order by rolname"
        ).fetchall()
        ledger_owners = conn.execute(
            "select distinct tableowner from pg_tables where schemaname in ('ledger', 'raw')"
        ).fetchall()
        dbt_schemas = conn.execute(
            "select nspname, nspowner::regrole::text from pg_namespace "
            "where nspname in ('staging', 'intermediate', 'core', 'marts') order by nspname"
        ).fetchall()
    assert rows == [
        ("tradelake_dbt", True, False, False, False, False, False),
        ("tradelake_ingest", True, False, False, False, False, False),
    ]
    assert ledger_owners == [("postgres",)]
    assert dbt_schemas == [
        ("core", "tradelake_dbt"),
        ("intermediate", "tradelake_dbt"),
        ("marts", "tradelake_dbt"),
        ("staging", "tradelake_dbt"),
    ]


def test_loader_runs_as_ingest_role(kalshi_ctx, db_url: str) -> None:
    ctx = kalshi_ctx()
    with ctx.connect() as conn:
        assert conn.execute("select current_user").fetchone()[0] == "tradelake_ingest"
    result = run_stream(ctx, "kalshi", "fills", sync_fills)
    assert result.inserted == 6
    with psycopg.connect(db_url) as conn:
        run = conn.execute("select status, inserted from ops.sync_runs").fetchall()
        # what the ingest role may not do to ops: erase a conflict or the migration history
        conn.execute("set role tradelake_ingest")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("update ops.ledger_conflicts set incoming_hash = ''")
    assert run == [("succeeded", 6)]
    assert _fill_count(db_url) == 6


def test_dbt_builds_as_dbt_role(kalshi_ctx, db_url: str, tmp_path: Path) -> None:
    sync_fills(kalshi_ctx())
    assert dbt_env(db_url)["TRADELAKE_PG_USER"] == "tradelake_dbt"
    done = dbt_build(db_url, tmp_path, "+fills")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        owner = conn.execute(
            "select tableowner from pg_tables where schemaname = 'core' and tablename = 'fills'"
        ).fetchone()
        fills = conn.execute("select count(*) from core.fills where venue = 'kalshi'").fetchone()
    assert owner == ("tradelake_dbt",)
    assert fills == (6,)


def test_database_built_before_0209_keeps_working(
    empty_db_url: str, kalshi_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schemas and relations dbt built as the owner before 0209 are handed to tradelake_dbt,
    and the next build (as tradelake_dbt) replaces them."""
    from alembic import command

    command.upgrade(alembic_config(empty_db_url), "0201")
    ctx = kalshi_ctx()
    ctx.database_url = empty_db_url
    sync_fills(ctx)
    # dbt as the owner, as every build did before 0209
    monkeypatch.setenv("TRADELAKE_DBT_DATABASE_URL", empty_db_url)
    first = dbt_build(empty_db_url, tmp_path / "owner", "+fills")
    assert first.returncode == 0, first.stdout[-4000:]
    monkeypatch.delenv("TRADELAKE_DBT_DATABASE_URL")

    migrate(empty_db_url)
    with psycopg.connect(empty_db_url) as conn:
        owners = conn.execute(
            "select distinct c.relowner::regrole::text from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname in ('staging', 'core') and c.relkind in ('r', 'v')"
        ).fetchall()
    assert owners == [("tradelake_dbt",)]
    second = dbt_build(empty_db_url, tmp_path / "dbt", "+fills")
    assert second.returncode == 0, second.stdout[-4000:]
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("select count(*) from core.fills").fetchone() == (6,)


@pytest.fixture
def plain_owner_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    """A user-supplied DATABASE_URL whose user owns its database but may not create roles (the
    roles exist in the cluster, created for the template database, but it cannot hand them
    anything it does not own)."""
    user = f"tl_plain_{os.getpid()}_{next(_plain)}"
    name = f"tl_plain_db_{os.getpid()}_{next(_plain)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create role "{user}" login')  # no CREATEROLE, no membership
        conn.execute(f'create database "{name}" owner "{user}"')
    url = _with_db(pg_admin_url, name).replace("postgres@", f"{user}@", 1)
    migrate(url)
    yield url
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'drop role if exists "{user}"')


def test_owner_without_createrole_is_told_once(
    plain_owner_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Migrations still apply, the pipeline runs as that user where a role could not be set up,
    and one warning says what is not enforced and how to fix it."""
    url = plain_owner_url
    user = roles.dsn_parts(url).user
    with caplog.at_level("WARNING", logger="ingestion.roles"):
        first = roles.dbt_url(url)
        again = roles.dbt_url(url)
        ingest = roles.ingest_url(url)
    assert first == again == url  # dbt runs as the owner (cannot own the dbt schemas)...
    assert ingest == roles.with_user(url, "tradelake_ingest")  # (the owner could grant these)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1  # ...and is told so, once
    assert warnings[0].startswith(f"least privilege not enforced: dbt run as {user}, ")
    assert "could not hand it the staging, intermediate, core and marts schemas" in warnings[0]
    assert "CREATEROLE" in warnings[0] and "TRADELAKE_DBT_DATABASE_URL" in warnings[0]


def test_materialize_says_once_what_is_not_enforced(plain_owner_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tradelake_cli.demo import demo_environment
    from tradelake_cli.main import app

    saved = dict(os.environ)
    os.environ.update(demo_environment(tmp_path))
    os.environ.update({"DATABASE_URL": plain_owner_url, "TRADELAKE_HOME": str(tmp_path)})
    try:
        result = CliRunner().invoke(
            app, ["materialize", "--select", "key:ledger/espn_game_observations"]
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # rich wraps long lines
    assert output.count("least privilege not enforced") == 1
    assert "warning: least privilege not enforced: dbt run as tl_plain_" in output
    assert "ledger/espn_game_observations" in output


def test_explicit_role_urls_win(db_url: str) -> None:
    env = {"TRADELAKE_INGEST_DATABASE_URL": "postgresql://ingest:secret@db.example/tl"}
    assert roles.ingest_url(db_url, env) == "postgresql://ingest:secret@db.example/tl"
    assert roles.dbt_url(db_url, env) == roles.with_user(db_url, "tradelake_dbt")


def test_with_user_keeps_host_port_and_database() -> None:
    assert (
        roles.with_user("postgresql://postgres:pw@/tradelake?host=/tmp/s&port=5433", "r")
        == "postgresql://r@/tradelake?host=%2Ftmp%2Fs&port=5433"
    )
    assert (
        roles.with_user("postgresql://u:pw@db.example:6543/tl?sslmode=require", "r")
        == "postgresql://r@db.example:6543/tl?sslmode=require"
    )
