"""Apply the Alembic migrations (used by `tradelake migrate`, the demo, Dagster and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    return config


def migrate(url: str) -> None:
    """Upgrade to every head: each source's migrations branch from the foundation."""
    command.upgrade(alembic_config(url), "heads")


def downgrade_all(url: str) -> None:
    command.downgrade(alembic_config(url), "base")


def applied_revisions(url: str) -> set[str]:
    """Every applied revision: the current heads and all they stand on (down revisions and
    dependencies), which a head another branch depends on no longer shows among the heads."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    heads = tuple(current_heads(url))
    return {r.revision for r in script.iterate_revisions(heads, "base")} if heads else set()


def current_heads(url: str) -> set[str]:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    from ingestion.db import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table_schema": "ops"})
        return set(ctx.get_current_heads())
