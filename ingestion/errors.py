"""Errors shared by every source."""

import httpx


class SourceSkipped(Exception):
    """A stream cannot run because credentials or config are missing; the message names the fix."""


class VenueError(Exception):
    """The venue answered with an error that retrying will not fix (bad key, bad request)."""


class RetryableVenueError(Exception):
    """The venue asked us to slow down or failed transiently, even if HTTP said 200."""


def is_venue_failure(exc: BaseException) -> bool:
    """True when the venue (or the network to it) failed, not our code, config or database.

    A venue failure leaves that stream stale and lets every other source and the marts go on
    (DESIGN principle 8): an HTTP 4xx/5xx or error envelope (VenueError), retries exhausted on
    429/5xx (RetryableVenueError), or a connection/timeout error (httpx). Anything else — a bug,
    an invalid configuration, the database gone — fails the step as before: it is ours to fix,
    and carrying on would hide it behind a "stale" label on every run.
    """
    return isinstance(exc, VenueError | RetryableVenueError | httpx.HTTPError)
