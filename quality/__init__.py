"""Data-quality suites (Great Expectations 1.x) for the ledgers, written as code.

Plain Python: Dagster runs it through asset checks (orchestration/defs/quality), nothing here
imports Dagster. Great Expectations costs seconds to import, so only `quality.validate` imports
it, inside the function that validates.
"""
