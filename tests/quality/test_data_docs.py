"""Great Expectations Data Docs (quality/docs.py): built under $TRADELAKE_HOME/gx_docs from the
suites' latest kept results, and served at /quality/ beside the dbt docs site by
`tradelake docs --serve` (tradelake_cli/docs_site.py), which the dbt docs overview links."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from orchestration.lib.resources import DBT_PROJECT_DIR
from quality.docs import build_data_docs, docs_dir, results_dir
from quality.suites.core import RULES as CORE
from quality.validate import validate_relations
from tests.quality.test_dbt_suites import MARKET, MARKETS
from tradelake_cli.docs_site import make_server


@pytest.fixture
def home(db_url: str, tmp_path: Path) -> Path:
    """A state folder whose kept results say core.markets has a price of 1.5."""
    with psycopg.connect(db_url) as conn:
        conn.execute(MARKETS)
        conn.execute(MARKET, ("kalshi", "KX-A", "yes", "open", 0.41))
        conn.execute(MARKET, ("kalshi", "KX-B", "no", "open", 1.5))
    validate_relations(
        db_url,
        {"core.markets": CORE["core.markets"]},
        run_id="docs-run",
        results_dir=results_dir(tmp_path),
    )
    return tmp_path


@pytest.fixture
def served(home: Path, tmp_path: Path) -> Iterator[str]:
    target = tmp_path / "dbt_target"
    target.mkdir()
    (target / "index.html").write_text("<html>dbt docs</html>")
    assert build_data_docs(home) is not None
    server = make_server("127.0.0.1", 0, target, docs_dir(home))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_data_docs_are_built_from_the_latest_results(home: Path) -> None:
    index = build_data_docs(home)
    assert index == home / "gx_docs" / "index.html" and index.is_file()
    assert "core.markets" in index.read_text()
    (page,) = (home / "gx_docs" / "validations" / "core" / "markets" / "docs-run").rglob("*.html")
    text = page.read_text()
    assert "Failed" in text and "1.5" in text
    assert (home / "gx_docs" / "expectations" / "core" / "markets.html").is_file()


def test_no_results_no_docs(tmp_path: Path) -> None:
    assert build_data_docs(tmp_path) is None


def test_the_server_serves_both_sites(served: str) -> None:
    with httpx.Client(base_url=served) as client:
        quality = client.get("/quality/index.html")
        assert quality.status_code == 200 and "core.markets" in quality.text
        assert client.get("/quality/").status_code == 200  # the folder's index.html
        assert client.get("/").text == "<html>dbt docs</html>"
        assert client.get("/quality/../../etc/passwd").status_code == 404


def test_the_dbt_docs_overview_links_the_data_docs() -> None:
    overview = (DBT_PROJECT_DIR / "models" / "overview.md").read_text()
    assert "{% docs __overview__ %}" in overview and "(/quality/index.html)" in overview
