"""Which PostgreSQL role each part of the pipeline connects as (least privilege).

The owner URL (DATABASE_URL, or the embedded server's superuser) runs the migrations, Dagster's
own storage and `tradelake load-ref`. The loaders and the ledger checks connect as
`tradelake_ingest`, dbt as `tradelake_dbt` (migration 0209 creates both and grants what each
needs): neither can UPDATE/DELETE a ledger row, disable a ledger's triggers, drop a ledger or
set `session_replication_role`.

A role's URL is, in order: `TRADELAKE_INGEST_DATABASE_URL` / `TRADELAKE_DBT_DATABASE_URL` when
set (a server that wants passwords); else the owner URL with the user replaced by the role
(same host, port, database, no password: the embedded server trusts its Unix socket). When
that connection is refused (the roles could not be created, or the server wants a password),
the pipeline runs as the owner and says once, as a warning, what is not enforced and how to
fix it.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg

from ingestion.db import dsn_parts
from ingestion.pgsession import libpq_options

log = logging.getLogger(__name__)

INGEST_ROLE = "tradelake_ingest"
DBT_ROLE = "tradelake_dbt"
URL_VARIABLES = {
    INGEST_ROLE: "TRADELAKE_INGEST_DATABASE_URL",
    DBT_ROLE: "TRADELAKE_DBT_DATABASE_URL",
}
PROBE_TIMEOUT_S = 5
# Can the role do its job on this database? (It may exist in the cluster, created for another
# database, while this database's owner could not grant it anything.)
CAPABLE = {
    INGEST_ROLE: (
        "select coalesce(has_table_privilege(to_regclass('ops.sync_runs'), 'INSERT'), false)",
        "migration 0209 did not grant it this database's raw, ledger and ops tables",
    ),
    DBT_ROLE: (
        "select count(*) = 4 and bool_and(pg_has_role(nspowner, 'USAGE')) from pg_namespace "
        "where nspname in ('staging', 'intermediate', 'core', 'marts')",
        "migration 0209 could not hand it the staging, intermediate, core and marts schemas",
    ),
}


@dataclass(frozen=True)
class RoleConnection:
    role: str
    url: str
    enforced: bool
    reason: str | None = None  # why the owner is used instead


_resolved: dict[tuple[str, str], RoleConnection] = {}
_announced: set[str] = set()
_lock = threading.Lock()


def with_user(url: str, user: str) -> str:
    """`url` with `user` as the login and no password (host, port, database, options kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("user", "password")]
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(
        (parts.scheme, f"{quote(user, safe='')}@{host}", parts.path, urlencode(query), "")
    )


def ingest_url(owner_url: str, env: dict[str, str] | None = None) -> str:
    """Where the loaders and the ledger checks connect."""
    return role_url(owner_url, INGEST_ROLE, env)


def dbt_url(owner_url: str, env: dict[str, str] | None = None) -> str:
    """Where dbt connects (dbt_project/profiles.yml reads it through TRADELAKE_PG_*)."""
    return role_url(owner_url, DBT_ROLE, env)


def role_url(owner_url: str, role: str, env: dict[str, str] | None = None) -> str:
    resolved = resolve(owner_url, role, env)
    if not resolved.enforced and owner_url not in _announced:
        message = not_enforced(owner_url, env)
        with _lock:
            first = owner_url not in _announced
            _announced.add(owner_url)
        if first and message:
            log.warning(message)
    return resolved.url


def resolve(owner_url: str, role: str, env: dict[str, str] | None = None) -> RoleConnection:
    env = os.environ if env is None else env
    explicit = env.get(URL_VARIABLES[role])
    if explicit:
        return RoleConnection(role, explicit, enforced=True)
    key = (owner_url, role)
    if key in _resolved:
        return _resolved[key]
    result = _probe(owner_url, role)
    if result is not None:  # None: the server did not answer; try again next time
        with _lock:
            _resolved[key] = result
        return result
    return RoleConnection(role, with_user(owner_url, role), enforced=True)


def _probe(owner_url: str, role: str) -> RoleConnection | None:
    if dsn_parts(owner_url).user == role:
        return RoleConnection(role, owner_url, enforced=True)
    url = with_user(owner_url, role)
    try:
        with psycopg.connect(url, connect_timeout=PROBE_TIMEOUT_S) as conn:
            row = conn.execute(
                "select rolsuper or rolbypassrls from pg_roles where rolname = current_user"
            ).fetchone()
            query, missing = CAPABLE[role]
            try:
                capable = conn.execute(query).fetchone()
            except psycopg.errors.InsufficientPrivilege:  # not even USAGE on the schema
                capable = None
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        try:  # is it the role that was refused, or is the server away?
            psycopg.connect(owner_url, connect_timeout=PROBE_TIMEOUT_S).close()
        except psycopg.OperationalError:
            return None
        return RoleConnection(role, owner_url, enforced=False, reason=reason)
    if row and row[0]:
        return RoleConnection(
            role, owner_url, enforced=False, reason=f"{role} is a superuser or bypasses RLS"
        )
    if not (capable and capable[0]):
        return RoleConnection(role, owner_url, enforced=False, reason=missing)
    return RoleConnection(role, url, enforced=True)


def not_enforced(owner_url: str, env: dict[str, str] | None = None) -> str | None:
    """What least privilege does not enforce on this database and how to fix it; None if all is
    enforced. Probes both roles (once per process)."""
    missing = [r for r in (INGEST_ROLE, DBT_ROLE) if not resolve(owner_url, r, env).enforced]
    if not missing:
        return None
    user = dsn_parts(owner_url).user
    reasons = "; ".join(f"{r}: {resolve(owner_url, r, env).reason}" for r in missing)
    variables = " and ".join(URL_VARIABLES[r] for r in missing)
    parts = ", ".join({INGEST_ROLE: "loaders, checks", DBT_ROLE: "dbt"}[r] for r in missing)
    return (
        f"least privilege not enforced: {parts} run as {user}, who can rewrite ledger history "
        f"(disable their triggers, set session_replication_role, drop them) ({reasons}). "
        f"Fix: run `tradelake migrate` as a role with CREATEROLE (it creates {INGEST_ROLE} "
        f"and {DBT_ROLE}), or create those roles (LOGIN, see README 'Database roles'), give "
        f"them passwords and set {variables}."
    )


def announce(owner_url: str, env: dict[str, str] | None = None) -> str | None:
    """The not-enforced message for a command to print itself; later calls stay silent."""
    message = not_enforced(owner_url, env)
    with _lock:
        first = owner_url not in _announced
        _announced.add(owner_url)
    return message if first else None


DBT_CLIENT_CHECK = "2s"


def dbt_env(url: str) -> dict[str, str]:
    """dbt's profiles.yml reads these (see dbt_project/profiles.yml): the owner URL `url`
    becomes dbt's own role (tradelake_dbt, or TRADELAKE_DBT_DATABASE_URL: dbt_url above);
    libpq reads PGOPTIONS, which carries the lock timeout (ingestion/pgsession.py) to every dbt
    session.

    dbt's sessions also check every few seconds that dbt is still there while a query runs
    (`client_connection_check_interval`, PostgreSQL 14+ on Linux, macOS and BSD): dbt cancels its
    queries when it is interrupted, but a dbt that dies before it can (killed with its parent
    mid-cancel, OOM-killed) would leave a query waiting on a lock for as long as the lock is
    held; the server now ends it within seconds (tests/reliability/test_pgsession.py). A value
    already in PGOPTIONS is kept (`0` where the server cannot check, PostgreSQL on Windows).
    `tradelake_cli.runtime.prepare` exports these to its own process too, so the CLI's loader
    sessions carry the check as well."""
    p = dsn_parts(dbt_url(url))
    options = libpq_options(os.environ.get("PGOPTIONS"))
    if "client_connection_check_interval" not in options:
        options = f"{options} -c client_connection_check_interval={DBT_CLIENT_CHECK}"
    return {
        "PGOPTIONS": options,
        "TRADELAKE_PG_HOST": p.host,
        "TRADELAKE_PG_PORT": str(p.port),
        "TRADELAKE_PG_USER": p.user,
        "TRADELAKE_PG_PASSWORD": p.password,
        "TRADELAKE_PG_DBNAME": p.dbname,
    }
