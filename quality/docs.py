"""Great Expectations Data Docs of the suites' latest results, under $TRADELAKE_HOME.

The checks validate in an ephemeral context (quality/validate.py) and keep each suite's latest
result as JSON in `$TRADELAKE_HOME/gx_results/<relation>.json`; `tradelake docs` builds the static
site from those files into `$TRADELAKE_HOME/gx_docs/` (an ephemeral context can build a Data
Docs site on the file system: no GX project folder is needed) and serves it under /quality/.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.files import write_json

RESULTS_DIR = "gx_results"
DOCS_DIR = "gx_docs"
SITE = "tradelake"


def results_dir(home: Path) -> Path:
    return home / RESULTS_DIR


def docs_dir(home: Path) -> Path:
    return home / DOCS_DIR


def keep_result(directory: Path, relation: str, run_id: str, gx_result: Any) -> Path:
    """Replace the suite's latest result (atomically: a docs build may be reading it)."""
    document = {
        "relation": relation,
        "run_id": run_id,
        "run_time": datetime.now(UTC).isoformat(),
        "result": gx_result.to_json_dict(),
    }
    return write_json(directory / f"{relation}.json", document, default=str)


def build_data_docs(home: Path) -> Path | None:
    """Build the site from the kept results; its index.html, or None when no suite ran yet."""
    kept = sorted(results_dir(home).glob("*.json"))
    if not kept:
        return None
    import great_expectations as gx  # ~5 s: only here
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    site = docs_dir(home)
    context = gx.get_context(mode="ephemeral")
    context.add_data_docs_site(
        SITE,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(site),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    schema = ExpectationSuiteValidationResultSchema()
    for path in kept:
        document = json.loads(path.read_text())
        result = schema.load(document["result"])
        relation = document["relation"]
        context.suites.add(
            gx.ExpectationSuite(
                name=relation,
                expectations=[r.expectation_config.to_domain_obj() for r in result.results],
            )
        )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=relation),
            run_id=RunIdentifier(
                run_name=document["run_id"], run_time=datetime.fromisoformat(document["run_time"])
            ),
            batch_identifier=relation,
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[SITE])
    return site / "index.html"
