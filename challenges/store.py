"""Reading a challenge's inputs and appending its events (ledger.challenge_events).

The inputs are what dbt built: the PnL events of the account (intermediate.int_pnl_events, the
one place the PnL rules live, with each fill's details from int_fill_pnl) and the marks of the
prediction-market outcomes it held (core.price_history, core.market_history). They are read as
dbt's role (which owns them); the events are appended as the loaders' role (INSERT-only on
ledger), each instant's group in one transaction.

The sequence guard: a group is appended with the numbers that follow the last event read. If
another evaluator appended first, the unique (challenge_id, sequence_number) refuses the group,
nothing of it is kept, and the challenge is evaluated again from the ledger (`SequenceTaken`,
retried a few times).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
import stamina
from psycopg.types.json import Jsonb

from challenges.evaluator import evaluate, replay
from challenges.model import Event, Mark, PnlItem, Rules

log = logging.getLogger(__name__)

RULES = """
select challenge_id, venue, account, initial_balance, profit_target_pct,
       max_daily_drawdown_pct, max_total_drawdown_pct, min_trading_days, max_days, started_at
from ref.challenges
order by challenge_id
"""

EVENTS = """
select challenge_id, sequence_number, event_type, occurred_at, description, event_data, caused_by
from ledger.challenge_events
where challenge_id = %s
order by sequence_number
"""

ITEMS = """
select
    e.event_kind,
    e.event_id,
    e.recognized_at,
    e.market_id,
    coalesce(
        f.outcome,
        case when e.event_kind = 'resolution' then substr(e.event_id, length(e.market_id) + 2) end
    ),
    f.side,
    f.price,
    f.quantity,
    coalesce(e.fee, 0),
    coalesce(e.pnl, 0)
from intermediate.int_pnl_events as e
left join intermediate.int_fill_pnl as f
    on e.event_kind = 'fill'
    and f.venue = e.venue and f.account = e.account and f.fill_id = e.event_id
where e.venue = %(venue)s and e.account = %(account)s and not e.is_replaced
  and e.recognized_at >= %(start)s and e.recognized_at <= %(now)s
order by e.recognized_at, e.event_id
"""

MARKS = """
with held as (
    select * from unnest(%(markets)s::text[], %(outcomes)s::text[]) as h (market_id, outcome)
)
select ts, market_id, outcome, price
from core.price_history
where venue = %(venue)s and (market_id, outcome) in (select * from held)
  and ts >= %(start)s and ts <= %(now)s and price between 0 and 1
union all
select valid_from, market_id, outcome, price
from core.market_history
where venue = %(venue)s and (market_id, outcome) in (select * from held)
  and valid_from >= %(start)s and valid_from <= %(now)s and price between 0 and 1
order by 1, 2, 3
"""

LEDGER = "ledger.challenge_events"  # written here (sequence guard), not by ingestion.loader
INSERT = """
insert into ledger.challenge_events
    (challenge_id, sequence_number, event_type, event_data, description, occurred_at, caused_by,
     record_hash)
values (%s, %s, %s, %s, %s, %s, %s, %s)
"""


def record_hash(event: Event) -> str:
    """sha256 of the event's content (canonical JSON), as every ledger row carries one."""
    content = {
        "challenge_id": event.challenge_id,
        "sequence_number": event.sequence_number,
        "event_type": event.event_type,
        "occurred_at": event.occurred_at.isoformat(),
        "description": event.description,
        "event_data": event.event_data,
        "caused_by": event.caused_by,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class SequenceTaken(Exception):
    """Another evaluator appended this challenge's next event first."""


class InputsMissing(RuntimeError):
    """dbt has not built what the evaluator reads yet."""


@dataclass
class Outcome:
    """What one evaluation did to one challenge."""

    challenge_id: str
    appended: int
    status: str
    last_sequence_number: int
    descriptions: list[str] = field(default_factory=list)


def load_rules(conn: psycopg.Connection) -> list[Rules]:
    return [Rules(*row) for row in conn.execute(RULES).fetchall()]


def load_events(conn: psycopg.Connection, challenge_id: str) -> list[Event]:
    return [
        Event(cid, seq, kind, at, text, data, cause)
        for cid, seq, kind, at, text, data, cause in conn.execute(EVENTS, (challenge_id,))
    ]


def load_inputs(
    conn: psycopg.Connection, rules: Rules, now: datetime
) -> tuple[list[PnlItem], list[Mark]]:
    params = {
        "venue": rules.venue,
        "account": rules.account,
        "start": rules.started_at,
        "now": now,
    }
    try:
        rows = conn.execute(ITEMS, params).fetchall()
    except psycopg.errors.UndefinedTable as exc:
        raise InputsMissing(
            "intermediate.int_pnl_events is not built yet: run `tradelake materialize` (dbt "
            "builds it before the challenges are evaluated)"
        ) from exc
    items = [PnlItem(*row) for row in rows]
    held = sorted({(i.market_id, i.outcome) for i in items if i.kind == "fill" and i.outcome})
    marks: list[Mark] = []
    if held:
        params |= {"markets": [m for m, _ in held], "outcomes": [o for _, o in held]}
        marks = [Mark(*row) for row in conn.execute(MARKS, params).fetchall()]
    return items, marks


def append(conn: psycopg.Connection, group: list[Event]) -> None:
    """Append one instant's events in one transaction, or none of them."""
    try:
        with conn.transaction():
            for e in group:
                conn.execute(
                    INSERT,
                    (
                        e.challenge_id,
                        e.sequence_number,
                        e.event_type,
                        Jsonb(e.event_data),
                        e.description,
                        e.occurred_at,
                        e.caused_by,
                        record_hash(e),
                    ),
                )
    except psycopg.errors.UniqueViolation as exc:
        raise SequenceTaken(
            f"challenge {group[0].challenge_id}: sequence number {group[0].sequence_number} "
            "was appended by another evaluator meanwhile"
        ) from exc


def evaluate_one(
    read: psycopg.Connection,
    write: psycopg.Connection,
    rules: Rules,
    now: datetime,
    *,
    before_append: Callable[[list[Event]], None] | None = None,
) -> Outcome:
    """Evaluate one challenge from its ledger up to `now` and append what follows."""
    for attempt in stamina.retry_context(on=SequenceTaken, attempts=5, wait_initial=0.05):
        with attempt:
            prior = load_events(write, rules.challenge_id)
            write.commit()
            items, marks = load_inputs(read, rules, now)
            read.commit()
            groups = evaluate(rules, prior, items, marks, now)
            done: list[Event] = []
            for group in groups:
                if before_append is not None:
                    before_append(group)
                append(write, group)
                done += group
            state = replay(rules, prior + done)
            return Outcome(
                rules.challenge_id,
                len(done),
                state.status,
                state.sequence_number,
                [e.description for e in done],
            )
    raise AssertionError("unreachable: stamina re-raises the last error")


def evaluate_all(
    read_url: str, write_url: str, now: datetime, log: logging.Logger = log
) -> list[Outcome]:
    """Every challenge of ref.challenges, each from its own ledger (see evaluate_one)."""
    outcomes = []
    with psycopg.connect(read_url) as read, psycopg.connect(write_url) as write:
        for rules in load_rules(read):
            read.commit()
            outcome = evaluate_one(read, write, rules, now)
            if outcome.appended:
                log.info(
                    "challenge %s: %d event(s) appended, now %s",
                    rules.challenge_id,
                    outcome.appended,
                    outcome.status,
                )
            outcomes.append(outcome)
    return outcomes
