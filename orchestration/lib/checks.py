"""Asset checks as parts that can run alone or several in one step.

Every ledger has five standard checks; as five steps each, a run with thirty ledgers spends
more time in Dagster's per-step bookkeeping than in the checks' queries. `combined()` runs a
ledger's checks in one step (one multi-asset check, subsettable: each check is still its own
check in the UI, with its own result, severity and blocking), `standalone()` makes one check
its own step (a check that must fail its step, or one used on its own)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import dagster as dg

from orchestration.lib.resources import TradelakeResource

Evaluate = Callable[[dg.AssetCheckExecutionContext, TradelakeResource], dg.AssetCheckResult]


@dataclass(frozen=True)
class CheckPart:
    """A check's spec and how to evaluate it; the result must name the spec's asset and check."""

    spec: dg.AssetCheckSpec
    evaluate: Evaluate


def standalone(part: CheckPart) -> dg.AssetChecksDefinition:
    spec = part.spec

    @dg.asset_check(
        asset=spec.asset_key,
        name=spec.name,
        blocking=spec.blocking,
        description=spec.description,
    )
    def _check(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        return part.evaluate(context, tradelake)

    return _check


def combined(name: str, parts: Sequence[CheckPart]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(specs=[p.spec for p in parts], name=name, can_subset=True)
    def _checks(context: dg.AssetCheckExecutionContext, tradelake: TradelakeResource):
        selected = context.selected_asset_check_keys
        for part in parts:
            if part.spec.key in selected:
                yield part.evaluate(context, tradelake)

    return _checks
