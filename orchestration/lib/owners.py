"""Who answers for an asset: one owner per layer (schema), shown in the Dagster catalog."""

OWNERS = {
    "ledger": "team:ingestion",
    "raw": "team:ingestion",
    "ref": "team:trading",
    "staging": "team:data-platform",
    "intermediate": "team:data-platform",
    "core": "team:data-platform",
    "marts": "team:analytics",
    "ops": "team:operations",
    "reports": "team:analytics",
}


def owner_of_schema(schema: str | None) -> str:
    """Who answers for an asset, by the layer (schema) it lives in (docs/architecture.md)."""
    return OWNERS.get(schema or "", "team:data-platform")
