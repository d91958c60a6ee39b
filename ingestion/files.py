"""Files the platform rewrites while others may read them (Data Docs results, manifests,
the charts' digests)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json(path: Path, document: Any, **dump: Any) -> Path:
    """Write `document` as JSON to `path` atomically: a reader sees the old file or the new
    one, never part of one (a temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
        json.dump(document, out, **dump)
    os.replace(out.name, path)
    return path
