"""OKX API v5: the operator's own fills (recent + history endpoints) and instrument metadata
(contract value, multiplier) so notional can be computed downstream. See docs/sources/okx.md."""

SOURCE = "okx"
