"""`tradelake docs --serve`: the dbt docs site at / and the Great Expectations Data Docs at
/quality/ from one local HTTP server (what `dbt docs serve` does for the first: serve the
target folder as static files)."""

from __future__ import annotations

import functools
import posixpath
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

QUALITY_PREFIX = "/quality/"


class DocsHandler(SimpleHTTPRequestHandler):
    """Static files: /quality/... from the Data Docs folder, everything else from dbt's target."""

    def __init__(self, *args, dbt_target: Path, quality: Path, **kwargs) -> None:
        self.quality = quality
        super().__init__(*args, directory=str(dbt_target), **kwargs)

    def translate_path(self, path: str) -> str:
        clean = posixpath.normpath(unquote(urlsplit(path).path))
        if clean + "/" == QUALITY_PREFIX or clean.startswith(QUALITY_PREFIX):
            inside = clean.removeprefix(QUALITY_PREFIX.rstrip("/")).lstrip("/")
            parts = [p for p in inside.split("/") if p not in ("", ".", "..")]
            return str(self.quality.joinpath(*parts))
        return super().translate_path(path)

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: the console says where to look


def make_server(host: str, port: int, dbt_target: Path, quality: Path) -> ThreadingHTTPServer:
    handler = functools.partial(DocsHandler, dbt_target=dbt_target, quality=quality)
    return ThreadingHTTPServer((host, port), handler)
