"""Reliability tests (issue #20 parts 3, 5, 9): the CLI as an operator runs it, on the demo's
recorded venue responses and a fresh test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Environment of an operator running the demo config against the test database."""
    from tradelake_cli.demo import demo_environment

    saved = dict(os.environ)
    os.environ.update(demo_environment(tmp_path))
    os.environ.update({"DATABASE_URL": db_url, "TRADELAKE_HOME": str(tmp_path)})
    yield db_url
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def make_db(pg_admin_url: str, template_db: str):
    """Factory: another fresh migrated database on the test server (dropped afterwards)."""
    import itertools

    import psycopg

    from tests.conftest import _with_db

    made: list[str] = []
    counter = itertools.count()

    def factory() -> str:
        name = f"tl_rel_{os.getpid()}_{next(counter)}"
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
            conn.execute(f'create database "{name}" template "{template_db}"')
        made.append(name)
        return _with_db(pg_admin_url, name)

    yield factory
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The demo's config and credentials in os.environ (restored afterwards)."""
    from tradelake_cli.demo import demo_environment

    saved = dict(os.environ)
    env = demo_environment(tmp_path)
    os.environ.update(env)
    yield env
    os.environ.clear()
    os.environ.update(saved)
