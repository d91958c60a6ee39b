"""Alembic environment: the URL comes from tradelake's resolution (DATABASE_URL or embedded)."""

from alembic import context
from sqlalchemy import create_engine, pool

from ingestion.db import database_url, sqlalchemy_url

url = context.config.attributes.get("database_url") or database_url()
engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(connection=connection, version_table_schema="ops")
    with context.begin_transaction():
        # Serialise concurrent `migrate` calls (CLI, Dagster, tests) on one database.
        connection.exec_driver_sql("select pg_advisory_xact_lock(7412001)")
        connection.exec_driver_sql("create schema if not exists ops")
        context.run_migrations()
