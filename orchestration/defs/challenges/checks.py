"""Checks of the challenge ledger (before dbt reads it) and of the mart rebuilt from it."""

from decimal import Decimal

import dagster as dg
import psycopg

from challenges.evaluator import replay
from challenges.model import TERMINAL
from challenges.store import load_events, load_rules
from orchestration.defs.challenges.assets import CHALLENGE_EVENTS
from orchestration.lib.chain import chain_check
from orchestration.lib.resources import TradelakeResource

CHALLENGES_MART = dg.AssetKey(["marts", "challenges"])

chain_intact = chain_check(CHALLENGE_EVENTS, "ledger.challenge_events")

GAPS = """
select challenge_id, count(*), min(sequence_number), max(sequence_number)
from ledger.challenge_events
group by challenge_id
having min(sequence_number) <> 1 or max(sequence_number) <> count(*)
order by challenge_id
"""

AFTER_TERMINAL = """
with terminal as (
    select challenge_id, min(sequence_number) as at, count(*) as terminals
    from ledger.challenge_events
    where event_type = any(%s)
    group by challenge_id
)
select t.challenge_id, t.terminals, count(e.*) filter (where e.sequence_number > t.at)
from terminal as t
join ledger.challenge_events as e using (challenge_id)
group by t.challenge_id, t.terminals
having t.terminals > 1 or count(e.*) filter (where e.sequence_number > t.at) > 0
"""


@dg.asset_check(
    asset=CHALLENGE_EVENTS,
    name="sequence_without_gaps",
    blocking=True,
    description="Every challenge's events are numbered 1, 2, 3, ... with no gap.",
)
def sequence_without_gaps(tradelake: TradelakeResource) -> dg.AssetCheckResult:
    with psycopg.connect(tradelake.ingest_url()) as conn:
        rows = conn.execute(GAPS).fetchall()
    return dg.AssetCheckResult(
        passed=not rows,
        description=(
            "; ".join(f"{c}: {n} events numbered {lo}..{hi}" for c, n, lo, hi in rows)
            or "every challenge's sequence is gapless"
        ),
        metadata={"challenges_with_gaps": len(rows)},
    )


@dg.asset_check(
    asset=CHALLENGE_EVENTS,
    name="one_terminal_event_at_most",
    blocking=True,
    description="A challenge has at most one CHALLENGE_FAILED / CHALLENGE_FUNDED, and it is last.",
)
def one_terminal_event_at_most(tradelake: TradelakeResource) -> dg.AssetCheckResult:
    with psycopg.connect(tradelake.ingest_url()) as conn:
        rows = conn.execute(AFTER_TERMINAL, (list(TERMINAL),)).fetchall()
    return dg.AssetCheckResult(
        passed=not rows,
        description=(
            "; ".join(f"{c}: {t} terminal events, {n} after the first" for c, t, n in rows)
            or "no event follows a terminal one"
        ),
        metadata={"challenges_in_error": len(rows)},
    )


MART = """
select challenge_id, status, failure_reason, current_equity, max_equity_ever,
       daily_start_equity, trading_days, last_sequence_number
from marts.challenges
"""


@dg.asset_check(
    asset=CHALLENGES_MART,
    name="mart_equals_replay",
    description=(
        "marts.challenges (SQL over the events) says what the evaluator's own replay of "
        "ledger.challenge_events says: status, failure reason, equity, peak, day start, trading "
        "days, last sequence number."
    ),
)
def mart_equals_replay(tradelake: TradelakeResource) -> dg.AssetCheckResult:
    with psycopg.connect(tradelake.database_url()) as conn:
        mart = {row[0]: row[1:] for row in conn.execute(MART).fetchall()}
        differ = []
        for rules in load_rules(conn):
            events = load_events(conn, rules.challenge_id)
            state = replay(rules, events)
            expected = (
                state.status,
                state.failure_reason,
                state.equity if events else None,
                state.max_equity if events else None,
                state.daily_start_equity if events else None,
                len(state.trading_days),
                state.sequence_number,
            )
            got = mart.get(rules.challenge_id)
            if got is None or not _same(got, expected):
                differ.append(f"{rules.challenge_id}: mart {got} vs replay {expected}")
    return dg.AssetCheckResult(
        passed=not differ,
        description="; ".join(differ) or f"{len(mart)} challenge(s): the mart equals the replay",
        metadata={"challenges": len(mart), "differences": len(differ)},
    )


def _same(got: tuple, expected: tuple) -> bool:
    for a, b in zip(got, expected, strict=True):
        if a is None or b is None:
            if a is not b:
                return False
        elif isinstance(a, Decimal) or isinstance(b, Decimal):
            if abs(Decimal(a) - Decimal(b)) > Decimal("1e-9"):
                return False
        elif a != b:
            return False
    return True
