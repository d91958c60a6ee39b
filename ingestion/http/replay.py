"""Recorded responses served as an httpx transport: the demo's and the tests' venue twin.

Fixture format and matching rules: docs/architecture.md ("Recorded fixtures").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx

from ingestion.http.client import parse_json

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


@dataclass(frozen=True)
class Recording:
    name: str
    method: str
    path: str
    params: dict[str, Any]
    json: dict[str, Any] | None
    status: int
    headers: dict[str, str]
    body: Any

    def score(self, request: httpx.Request, body: Any) -> int | None:
        """Number of named parameters that match, or None when this recording does not apply."""
        if request.method != self.method or request.url.path != self.path:
            return None
        query = request.url.params
        for key, want in self.params.items():
            got = query.get(key)
            if (want is None and got is not None) or (want is not None and got != str(want)):
                return None
        named = 0
        if self.json is not None:
            named = _json_score(self.json, body)
            if named is None:
                return None
        return len(self.params) + named


def _json_score(want: dict[str, Any], got: Any) -> int | None:
    """Keys of `want` that `got` matches; a nested object matches on the keys it names (so a
    recording of Hyperliquid's `{"req": {"coin": "BTC", ...}}` need not name every field)."""
    if not isinstance(got, dict):
        return None
    named = 0
    for key, value in want.items():
        if isinstance(value, dict):
            inner = _json_score(value, got.get(key))
            if inner is None:
                return None
            named += inner
        elif got.get(key) != value:
            return None
        else:
            named += 1
    return named


def load_recordings(directory: Path) -> list[Recording]:
    """The directory's recordings, parsed once per process for the same files with the same
    contents (a run replays a source's folder in each of its streams' syncs; a test that
    rewrites a recording gets it as it now is)."""
    files = tuple((path, path.read_bytes()) for path in sorted(directory.rglob("*.json")))
    return list(_parse_recordings(directory, files))


@lru_cache(maxsize=32)
def _parse_recordings(
    directory: Path, files: tuple[tuple[Path, bytes], ...]
) -> tuple[Recording, ...]:
    recordings = []
    for path, content in files:
        data = parse_json(content.decode())
        if "request" not in data or "response" not in data:
            continue  # not a recording (e.g. a static payload used by a unit test)
        req, resp = data["request"], data["response"]
        recordings.append(
            Recording(
                name=str(path.relative_to(directory)),
                method=req.get("method", "GET").upper(),
                path=req["path"],
                params=req.get("params") or {},
                json=req.get("json"),
                status=int(resp.get("status", 200)),
                headers=resp.get("headers") or {},
                body=resp.get("body"),
            )
        )
    return tuple(recordings)


class ReplayTransport(httpx.BaseTransport):
    """Answers each request with the best-matching recording; records what was asked.

    It has no rate limit: a VenueHttp before it counts its limiter's units without waiting."""

    unthrottled = True  # no rate limit to respect

    def __init__(self, recordings: list[Recording]) -> None:
        self.recordings = recordings
        self.requests: list[httpx.Request] = []

    @classmethod
    def from_dir(cls, directory: Path | str) -> ReplayTransport:
        return cls(load_recordings(Path(directory)))

    @classmethod
    def for_source(cls, source: str, root: Path = FIXTURES_DIR) -> ReplayTransport:
        return cls.from_dir(root / source)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = None
        best: tuple[int, Recording] | None = None
        for rec in self.recordings:
            score = rec.score(request, body)
            if score is not None and (best is None or score > best[0]):
                best = (score, rec)
        if best is None:
            return httpx.Response(
                404,
                json={"error": f"no recording for {request.method} {request.url}"},
                request=request,
            )
        rec = best[1]
        content = rec.body if isinstance(rec.body, str) else dumps_exact(rec.body)
        headers = {"content-type": "application/json", **rec.headers}
        return httpx.Response(
            rec.status, content=content.encode(), headers=headers, request=request
        )


def dumps_exact(value: Any) -> str:
    """json.dumps that writes Decimal as the number it is (fixtures keep every digit)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return (
            "{" + ",".join(f"{json.dumps(str(k))}:{dumps_exact(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    return json.dumps(value)
