"""Errors shared by every source."""


class SourceSkipped(Exception):
    """A stream cannot run because credentials or config are missing; the message names the fix."""


class VenueError(Exception):
    """The venue answered with an error that retrying will not fix (bad key, bad request)."""


class RetryableVenueError(Exception):
    """The venue asked us to slow down or failed transiently, even if HTTP said 200."""
