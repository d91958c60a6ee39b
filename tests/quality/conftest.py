"""The foundation tests' loaded database (every demo stream synced) for the suites."""

from tests.foundation.conftest import loaded_db  # noqa: F401
