"""Pipeline sessions give up waiting on a lock, and say who holds it.

An analyst's session left idle inside a transaction holds its locks until it ends. Without a
limit, a `dbt build` that must swap a table (or a loader that must insert into a table someone
locked) waits forever and, since PostgreSQL queues every later lock request behind the waiting
one, every reader of that table waits too. Every pipeline session therefore runs with
`lock_timeout` (TRADELAKE_LOCK_TIMEOUT, default 60 s); when it fires (SQLSTATE 55P03) the error
names the blocking session and how to end it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import psycopg

from ingestion.settings import ConfigError

ENV_VAR = "TRADELAKE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = "60s"
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock timeout (and of NOWAIT)
_UNITS_MS = {"ms": 1, "s": 1000, "min": 60_000}


class LockTimeoutConfigError(ConfigError):
    """TRADELAKE_LOCK_TIMEOUT cannot be read; the message shows valid values."""


class LockTimeout(Exception):
    """A pipeline session gave up waiting for a lock; the message names the blocking session."""


def lock_timeout_ms(env: Mapping[str, str] | None = None) -> int:
    """TRADELAKE_LOCK_TIMEOUT in milliseconds: `60` (seconds), `500ms`, `2s`, `5min`; 0 = wait
    forever (PostgreSQL's default)."""
    env = os.environ if env is None else env
    raw = (env.get(ENV_VAR) or DEFAULT_LOCK_TIMEOUT).strip().lower()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s|min)?", raw)
    if not match:
        raise LockTimeoutConfigError(
            f"{ENV_VAR}={raw!r} is not a duration; use e.g. 60 (seconds), 2s, 500ms, 5min, "
            "or 0 to wait without limit"
        )
    return int(float(match.group(1)) * _UNITS_MS[match.group(2) or "s"])


def describe_timeout(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:g} s"


def libpq_options(base: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """libpq `options` (or PGOPTIONS) carrying the lock timeout, added to `base`'s own options.
    A lock_timeout already in `base` is kept unless TRADELAKE_LOCK_TIMEOUT is set."""
    env = os.environ if env is None else env
    base = (base or "").strip()
    if "lock_timeout" in base:
        if not env.get(ENV_VAR):
            return base
        base = re.sub(r"-c\s*lock_timeout=\S+", "", base).strip()
    setting = f"-c lock_timeout={lock_timeout_ms(env)}"
    return f"{base} {setting}".strip()


def connect_options(url: str, kwargs: Mapping[str, object]) -> str:
    """The `options` a pipeline connection to `url` uses: the URL's or the caller's own options
    (else PGOPTIONS), plus the lock timeout."""
    if "options" in kwargs:
        base = str(kwargs["options"] or "")
    else:
        try:
            base = psycopg.conninfo.conninfo_to_dict(url).get("options") or ""
        except psycopg.ProgrammingError:
            base = ""
        base = base or os.environ.get("PGOPTIONS", "")
    return libpq_options(str(base))


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True if `exc` or anything it was raised from is PostgreSQL's lock-timeout error."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if code == LOCK_NOT_AVAILABLE or "due to lock timeout" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@dataclass(frozen=True)
class LockHolder:
    pid: int
    user: str
    application: str
    state: str
    seconds: int
    locks: str
    query: str

    def describe(self) -> str:
        app = self.application or "(no application_name)"
        return (
            f"pid {self.pid} (user {self.user}, application {app!r}, {self.state} for "
            f"{_duration(self.seconds)}, holding {self.locks}; last query: {self.query!r})"
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


_HOLDERS = """
select a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''),
       coalesce(a.state, 'unknown'),
       extract(epoch from now() - coalesce(a.xact_start, a.query_start, a.backend_start))::int,
       string_agg(distinct l.mode || ' on ' || l.relation::regclass::text, ', '),
       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 160)
from pg_locks l
join pg_stat_activity a on a.pid = l.pid
join pg_class c on c.oid = l.relation and c.relkind in ('r', 'p', 'v', 'm', 'f')
where l.granted
  and l.locktype = 'relation'
  and l.database = (select oid from pg_database where datname = current_database())
  and l.relation >= 16384  -- user relations, not the catalogs
  and l.pid <> pg_backend_pid()
  and not a.pid = any(%(exclude)s::int[])
  and (%(relations)s::text[] is null
       or l.relation = any(array(select to_regclass(r) from unnest(%(relations)s::text[]) r)))
group by a.pid, a.usename, a.application_name, a.state, a.xact_start, a.query_start,
         a.backend_start, a.query
order by coalesce(a.xact_start, a.query_start, a.backend_start)
limit 5
"""


def lock_holders(
    conn: psycopg.Connection,
    relations: Iterable[str] | None = None,
    exclude_pids: Iterable[int] = (),
) -> list[LockHolder]:
    """Other sessions holding locks on user tables of this database (on `relations` if given;
    all of them if none of those is held), oldest transaction first."""
    exclude = list(exclude_pids)
    wanted = [r for r in relations or () if r] or None
    for rels in [wanted, None] if wanted else [None]:
        rows = conn.execute(_HOLDERS, {"relations": rels, "exclude": exclude}).fetchall()
        if rows:
            return [LockHolder(*row) for row in rows]
    return []


def lock_timeout_message(
    url: str,
    what: str,
    relations: Iterable[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """One line: who `what` waited for, and how to end that session."""
    waited = describe_timeout(lock_timeout_ms(env))
    head = f"{what} gave up after waiting {waited} for a lock ({ENV_VAR})"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            holders = lock_holders(conn, relations)
    except psycopg.Error as exc:
        return f"{head}; the blocking session could not be looked up ({exc})".replace("\n", " ")
    if not holders:
        return f"{head}; the session that held it has ended since, so running again should work"
    pids = ", ".join(str(h.pid) for h in holders)
    blockers = "; ".join(h.describe() for h in holders)
    return (
        f"{head}: held by {blockers}. End it: commit or roll back in that session, or run "
        f"`select pg_terminate_backend({holders[0].pid})`"
        + (f" (sessions {pids})" if len(holders) > 1 else "")
        + ", then run again"
    )


# PostgreSQL/libpq's words for a lost or unreachable server (not a venue's "connection refused").
_LOST = (
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "connection to server on socket",
    "connection to server at",
    "consuming input failed",
    "cannot connect to postgresql",
    "could not start the embedded postgresql",
)
_LOST_CLASSES = {"OperationalError", "InterfaceError", "DatabaseUnavailable", "AdminShutdown"}


def connection_lost(exc: BaseException | None) -> str | None:
    """If `exc` (or what it was raised from) says the database went away or cannot be reached,
    the first line of that error; else None."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).strip()
        lost = type(exc).__name__ in _LOST_CLASSES or any(m in text.lower() for m in _LOST)
        if lost and not is_lock_timeout(exc):
            return (text.splitlines() or [type(exc).__name__])[0]
        exc = exc.__cause__ or exc.__context__
    return None


def error_info_lost(error) -> str | None:
    """connection_lost() for Dagster's serialised step errors (message, cls_name, cause)."""
    seen = 0
    while error is not None and seen < 20:
        seen += 1
        text = (error.message or "").strip()
        lost = error.cls_name in _LOST_CLASSES or any(m in text.lower() for m in _LOST)
        if lost and "due to lock timeout" not in text:
            line = (text.splitlines() or [error.cls_name or "database error"])[0]
            return line.split(": ", 1)[-1] if line.startswith(("psycopg", "sqlalchemy")) else line
        error = error.cause or getattr(error, "context", None)
    return None
