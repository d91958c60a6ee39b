"""`model.columns` for linting: empty, so contract-driven macros render a minimal select."""

columns: dict = {}
