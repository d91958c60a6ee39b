"""The shared HTTP layer: one client factory, retries, rate limits, paging, landing, redaction."""

from ingestion.http.client import Page, RetryPolicy, VenueHttp, make_client
from ingestion.http.ratelimit import RateLimiter

__all__ = ["Page", "RateLimiter", "RetryPolicy", "VenueHttp", "make_client"]
