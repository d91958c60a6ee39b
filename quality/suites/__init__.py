"""Every ledger's suite, and (`dbt_suites`) every core relation's and mart's.

Ledgers: the rules every ledger shares (from its LedgerTable: key columns
present, a content hash, an arrival time that is not in the future) plus its source's own
(quality/suites/<source>.py: what the venue's docs and our units promise).

A new source adds a module here with a `RULES` dict (ledger table -> rules) and its LedgerTables
to `_sources()`; tests/quality/test_suites.py fails for a ledger table without a suite.
"""

from __future__ import annotations

from quality.rules import Rule, non_empty, not_null, past_time


def _sources():
    from ingestion.espn import tables as espn
    from ingestion.etherscan import tables as etherscan
    from ingestion.hyperliquid import tables as hyperliquid
    from ingestion.kalshi import tables as kalshi
    from ingestion.okx import tables as okx
    from ingestion.polymarket import tables as polymarket
    from quality.suites import espn as espn_rules
    from quality.suites import etherscan as etherscan_rules
    from quality.suites import hyperliquid as hyperliquid_rules
    from quality.suites import kalshi as kalshi_rules
    from quality.suites import okx as okx_rules
    from quality.suites import polymarket as polymarket_rules

    return [
        (kalshi, kalshi_rules.RULES),
        (polymarket, polymarket_rules.RULES),
        (okx, okx_rules.RULES),
        (hyperliquid, hyperliquid_rules.RULES),
        (etherscan, etherscan_rules.RULES),
        (espn, espn_rules.RULES),
    ]


def ledger_tables() -> dict[str, object]:
    """Every LedgerTable of every source, by table name without the schema."""
    from ingestion.loader import LedgerTable

    out = {}
    for module, _ in _sources():
        for value in vars(module).values():
            if isinstance(value, LedgerTable):
                out[value.name.removeprefix("ledger.")] = value
    return out


def suites() -> dict[str, list[Rule]]:
    """Ledger table (without schema) -> its rules, shared ones first."""
    tables = ledger_tables()
    own: dict[str, list[Rule]] = {}
    for _, rules in _sources():
        own.update(rules)
    out = {}
    for name, table in sorted(tables.items()):
        shared = [not_null(c) for c in table.key]
        shared += [non_empty("record_hash"), past_time("loaded_at")]
        out[name] = shared + own.get(name, [])
    return out


def dbt_suites() -> dict[str, list[Rule]]:
    """`schema.relation` -> its rules, for every core relation (quality/suites/core.py) and
    every mart (quality/suites/marts.py); tests/quality/test_dbt_suites.py fails for a core or
    marts model without one."""
    from quality.suites import core, marts

    return {**core.RULES, **marts.RULES}
