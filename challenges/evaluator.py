"""The challenge evaluator: CONTRACT §8's rules walked over an account's history, as events.

`evaluate(rules, prior, items, marks, now)` is a pure function. `prior` is what the ledger
already holds for the challenge; the state is rebuilt from it alone (`replay`), and the walk goes
on from the last instant it covered (its cursor) up to `now`:

- every UTC midnight: DAILY_PNL_CALCULATED closes the day, and the next day's drawdown starts
  from the equity at 00:00;
- every mark of an open position (a known price of what it holds) moves the unrealised PnL;
- every fill, settlement and resolution of the account: TRADE_EXECUTED with the equity after;
- the deadline (started_at + max_days).

After each of them the rules are checked, in this order: daily drawdown over its limit, total
drawdown over its limit (either: RISK_VIOLATION_DETECTED, then FAILED), profit target reached with
enough trading days (FUNDED). A mark or a midnight only writes an event when something happens
(a violation, funding). Nothing follows a terminal event.

A fill that arrives after the walk passed its time is not written into history: it is applied at
the cursor's instant with a RISK_VIOLATION_DETECTED (`rule` late_data) that says so. Late marks
are not replayed (they could only have moved a drawdown already passed).

Events come in groups, one per instant (`evaluate` returns them so); a group is appended in one
transaction, so a crash never leaves half of one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from challenges.model import (
    ACTIVE,
    DAILY,
    DEADLINE,
    FAILED,
    FUNDED,
    ITEM,
    MARK,
    MIDNIGHT,
    PENDING,
    STARTED,
    STATUS,
    TERMINAL,
    TRADE,
    VIOLATION,
    Event,
    Mark,
    PnlItem,
    Position,
    Rules,
    State,
)

Group = list[Event]
CENT = Decimal("0.01")
Key = tuple[datetime, int, str]


def position_key(market_id: str, outcome: str | None) -> str:
    return f"{market_id}|{outcome or ''}"


def pct(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP)} %"


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):,}"


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


# --- state to and from event_data -------------------------------------------------------------


def snapshot(state: State) -> dict[str, Any]:
    """The state an event leaves behind: every event carries it, so the ledger alone rebuilds a
    challenge (marts.challenges reads the last one) and the evaluator resumes from it."""
    return {
        "balance": str(state.balance),
        "unrealized_pnl": str(state.unrealized),
        "equity": str(state.equity),
        "max_equity": str(state.max_equity),
        "daily_start_equity": str(state.daily_start_equity),
        "day": state.day.isoformat() if state.day else None,
        "profit_pct": str(state.profit_pct),
        "daily_drawdown_pct": str(state.daily_drawdown_pct),
        "total_drawdown_pct": str(state.total_drawdown_pct),
        "trading_days": list(state.trading_days),
        "fills": state.fills,
        "volume": str(state.volume),
        "positions": {
            key: {
                "quantity": str(p.quantity),
                "avg_price": str(p.avg_price),
                "mark": str(p.mark),
            }
            for key, p in sorted(state.positions.items())
        },
        "cursor": [state.cursor[0].isoformat(), state.cursor[1], state.cursor[2]]
        if state.cursor
        else None,
    }


def replay(rules: Rules, events: Iterable[Event]) -> State:
    """The state after `events` (in sequence order), from the events alone."""
    state = State(rules=rules)
    for event in events:
        state.sequence_number = event.sequence_number
        if event.event_type == STATUS:
            state.status = event.event_data["to_status"]
        if event.event_type in TERMINAL:
            state.terminal = True
            state.failure_reason = event.event_data.get("failure_reason")
        if event.event_type == TRADE and event.caused_by:
            state.applied.add(event.caused_by)
        snap = event.event_data.get("state")
        if snap:
            _restore(state, snap)
    return state


def _restore(state: State, snap: dict[str, Any]) -> None:
    state.balance = _d(snap["balance"])
    state.max_equity = _d(snap["max_equity"])
    state.daily_start_equity = _d(snap["daily_start_equity"])
    state.day = date.fromisoformat(snap["day"]) if snap.get("day") else None
    state.trading_days = list(snap.get("trading_days") or [])
    state.fills = int(snap.get("fills") or 0)
    state.volume = _d(snap.get("volume") or 0)
    state.positions = {
        key: Position(_d(p["quantity"]), _d(p["avg_price"]), _d(p["mark"]))
        for key, p in (snap.get("positions") or {}).items()
    }
    cursor = snap.get("cursor")
    if cursor:
        state.cursor = (datetime.fromisoformat(cursor[0]), int(cursor[1]), cursor[2])


# --- the walk ---------------------------------------------------------------------------------


class _Writer:
    """Numbers events and groups them by instant."""

    def __init__(self, state: State) -> None:
        self.state, self.groups = state, []
        self._open: Group | None = None

    def begin(self) -> None:
        self._open = []

    def end(self) -> None:
        if self._open:
            self.groups.append(self._open)
        self._open = None

    def emit(
        self,
        event_type: str,
        at: datetime,
        description: str,
        data: dict[str, Any],
        caused_by: str | None,
    ) -> None:
        assert self._open is not None
        s = self.state
        s.sequence_number += 1
        payload = {**data, "thresholds": s.rules.thresholds(), "state": snapshot(s)}
        self._open.append(
            Event(s.rules.challenge_id, s.sequence_number, event_type, at, description,
                  payload, caused_by)
        )  # fmt: skip


def midnights(after: datetime, until: datetime) -> list[datetime]:
    """Every 00:00 UTC in (after, until]."""
    first = datetime.combine(after.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    out = []
    while first <= until:
        out.append(first)
        first += timedelta(days=1)
    return out


def _in_challenge(items: list[PnlItem]) -> list[PnlItem]:
    """Fills, and settlements/resolutions of markets the challenge traded before them (a
    position held before the challenge started is not the challenge's)."""
    first_fill: dict[str, datetime] = {}
    for item in items:
        if item.kind == "fill":
            first_fill[item.market_id] = min(first_fill.get(item.market_id, item.at), item.at)
    return [
        i
        for i in items
        if i.kind == "fill" or (i.market_id in first_fill and first_fill[i.market_id] < i.at)
    ]


def evaluate(
    rules: Rules,
    prior: list[Event],
    items: Iterable[PnlItem],
    marks: Iterable[Mark],
    now: datetime,
) -> list[Group]:
    """The groups of events to append after `prior` (see the module docstring)."""
    state = replay(rules, prior)
    if state.terminal or now < rules.started_at:
        return []
    out = _Writer(state)
    if not prior:
        _start(out, rules)
    assert state.cursor is not None
    relevant = [i for i in _in_challenge(list(items)) if i.at <= now and i.at >= rules.started_at]
    pending = [i for i in relevant if i.caused_by not in state.applied]
    late = sorted((i for i in pending if (i.at, ITEM, i.item_id) <= state.cursor), key=_key)
    for item in late:
        _late(out, item)
        if state.terminal:
            return out.groups
    horizon = min(now, rules.deadline)
    timeline: list[tuple[Key, Any]] = [
        ((at, MIDNIGHT, ""), at) for at in midnights(state.cursor[0], horizon)
    ]
    timeline += [((m.at, MARK, position_key(m.market_id, m.outcome)), m) for m in marks]
    timeline += [(_key(i), i) for i in pending if _key(i) > state.cursor]
    if rules.deadline <= now:
        timeline.append(((rules.deadline, DEADLINE, ""), None))
    for key, what in sorted((t for t in timeline if t[0] > state.cursor), key=lambda t: t[0]):
        if key[0] > now:
            break
        state.cursor = key
        out.begin()
        if key[1] == MIDNIGHT:
            _midnight(out, key[0])
        elif key[1] == MARK:
            _mark(state, what)
        elif key[1] == ITEM:
            _apply(out, what)
        else:
            _expire(out, key[0])
        _check(out, key[0], _cause(key, what))
        out.end()
        if state.terminal:
            break
    return out.groups


def _key(item: PnlItem) -> Key:
    return (item.at, ITEM, item.item_id)


def _cause(key: Key, what: Any) -> str:
    if key[1] == ITEM:
        return what.caused_by
    if key[1] == MARK:
        return f"mark:{key[2]}@{key[0].isoformat()}"
    if key[1] == MIDNIGHT:
        return f"day:{key[0].date().isoformat()}"
    return "deadline"


def _start(out: _Writer, rules: Rules) -> None:
    s = out.state
    s.balance = s.max_equity = s.daily_start_equity = rules.initial_balance
    s.day = rules.started_at.astimezone(UTC).date()
    s.cursor = (rules.started_at, -1, "")
    out.begin()
    out.emit(
        STARTED,
        rules.started_at,
        f"Challenge {rules.challenge_id} started on {rules.venue} account {rules.account} with "
        f"{money(rules.initial_balance)}: profit target {pct(rules.profit_target_pct)}, daily "
        f"drawdown limit {pct(rules.max_daily_drawdown_pct)}, total drawdown limit "
        f"{pct(rules.max_total_drawdown_pct)}, at least {rules.min_trading_days} trading days "
        f"within {rules.max_days} days (until {rules.deadline:%Y-%m-%d %H:%M} UTC).",
        {"venue": rules.venue, "account": rules.account},
        "start",
    )
    s.status = ACTIVE
    out.emit(
        STATUS,
        rules.started_at,
        f"Challenge {rules.challenge_id} is active.",
        {"from_status": PENDING, "to_status": ACTIVE},
        "start",
    )
    out.end()


def _midnight(out: _Writer, at: datetime) -> None:
    s = out.state
    ended = (at - timedelta(days=1)).date()
    equity, start = s.equity, s.daily_start_equity
    traded = ended.isoformat() in s.trading_days
    s.day, s.daily_start_equity = at.date(), equity  # the event leaves the new day behind
    out.emit(
        DAILY,
        at,
        f"Day {ended} closed at equity {money(equity)} ({'+' if equity >= start else ''}"
        f"{money(equity - start)} on the day's start of {money(start)})"
        f"{'' if traded else ', no fills'}; {len(s.trading_days)} trading day(s) so far.",
        {
            "day": ended.isoformat(),
            "day_start_equity": str(start),
            "day_end_equity": str(equity),
            "daily_pnl": str(equity - start),
            "traded": traded,
        },
        f"day:{ended.isoformat()}",
    )


def _mark(state: State, mark: Mark) -> None:
    position = state.positions.get(position_key(mark.market_id, mark.outcome))
    if position is not None:
        position.mark = mark.price
    state.max_equity = max(state.max_equity, state.equity)


def _trade(state: State, item: PnlItem) -> None:
    """Apply a fill, settlement or resolution to the balance and the positions."""
    state.balance += item.pnl - item.fee
    if item.kind == "settlement":
        for key in [k for k in state.positions if k.split("|", 1)[0] == item.market_id]:
            del state.positions[key]
    elif item.kind == "resolution":
        state.positions.pop(position_key(item.market_id, item.outcome), None)
    elif item.quantity is not None and item.price is not None:
        _move(state, item)
        state.fills += 1
        state.volume += item.quantity * item.price
        day = item.at.astimezone(UTC).date().isoformat()
        if day not in state.trading_days:
            state.trading_days = sorted([*state.trading_days, day])
    state.max_equity = max(state.max_equity, state.equity)


def _move(state: State, item: PnlItem) -> None:
    """Signed average-cost position: adding keeps the average, reducing keeps it too (the fill's
    realised PnL comes from the marts' rules, `item.pnl`), crossing zero opens at the price."""
    key = position_key(item.market_id, item.outcome)
    signed = item.quantity if item.side == "buy" else -item.quantity
    price = item.price
    held = state.positions.get(key)
    if held is None or held.quantity == 0:
        state.positions[key] = Position(signed, price, price)
        return
    q = held.quantity
    if (q > 0) == (signed > 0):
        total = q + signed
        held.avg_price = (q * held.avg_price + signed * price) / total
        held.quantity = total
    else:
        total = q + signed
        if total == 0:
            del state.positions[key]
            return
        if (total > 0) != (q > 0):
            held.avg_price = price  # crossed zero: the rest is a new position at this price
        held.quantity = total
    held.mark = price


def _describe_item(item: PnlItem, venue: str, equity: Decimal) -> str:
    if item.kind == "fill":
        what = (
            f"Fill {item.item_id} on {venue}: {item.side} {item.quantity} {item.market_id}"
            f"{' ' + item.outcome if item.outcome else ''} at {item.price}, fee {item.fee}, "
            f"realised PnL {item.pnl}"
        )
    elif item.kind == "settlement":
        what = f"Settlement of {item.market_id} on {venue}: PnL {item.pnl}"
    else:
        what = f"Resolution of {item.item_id} on {venue} (no venue settlement yet): PnL {item.pnl}"
    return f"{what}; equity {money(equity)}."


def _apply(out: _Writer, item: PnlItem, *, late: bool = False) -> None:
    s = out.state
    _trade(s, item)
    s.applied.add(item.caused_by)
    data: dict[str, Any] = {
        "kind": item.kind,
        "item_id": item.item_id,
        "executed_at": item.at.isoformat(),
        "market_id": item.market_id,
        "outcome": item.outcome,
        "side": item.side,
        "price": None if item.price is None else str(item.price),
        "quantity": None if item.quantity is None else str(item.quantity),
        "fee": str(item.fee),
        "pnl": str(item.pnl),
        "equity_after": str(s.equity),
        "late": late,
    }
    at = s.cursor[0] if late else item.at
    out.emit(TRADE, at, _describe_item(item, s.rules.venue, s.equity), data, item.caused_by)


def _late(out: _Writer, item: PnlItem) -> None:
    s = out.state
    at = s.cursor[0]
    out.begin()
    out.emit(
        VIOLATION,
        at,
        f"{item.kind.capitalize()} {item.item_id} on {s.rules.venue} of {item.at:%Y-%m-%d %H:%M:%S}"
        f" UTC arrived after the challenge was evaluated up to {at:%Y-%m-%d %H:%M:%S} UTC: it is "
        "applied now; the events before are not rewritten.",
        {"rule": "late_data", "item": item.caused_by, "executed_at": item.at.isoformat()},
        item.caused_by,
    )
    _apply(out, item, late=True)
    _check(out, at, item.caused_by)
    out.end()


def _expire(out: _Writer, at: datetime) -> None:
    s = out.state
    if s.status != ACTIVE:
        return
    reason = (
        f"the {s.rules.max_days} days ended with profit {pct(s.profit_pct)} of the "
        f"{pct(s.rules.profit_target_pct)} target and {len(s.trading_days)} of "
        f"{s.rules.min_trading_days} trading days"
    )
    _finish(out, at, FAILED, "expired", f"Challenge {s.rules.challenge_id} expired: {reason}.",
            "deadline")  # fmt: skip


def _check(out: _Writer, at: datetime, cause: str) -> None:
    s = out.state
    if s.status != ACTIVE:
        return
    rules = s.rules
    exceeded = []
    if s.daily_drawdown_pct > rules.max_daily_drawdown_pct:
        exceeded.append(("daily_drawdown", "Daily", s.daily_drawdown_pct,
                         rules.max_daily_drawdown_pct))  # fmt: skip
    if s.total_drawdown_pct > rules.max_total_drawdown_pct:
        exceeded.append(("total_drawdown", "Total", s.total_drawdown_pct,
                         rules.max_total_drawdown_pct))  # fmt: skip
    if exceeded:
        rule, label, value, limit = exceeded[0]
        sentence = (
            f"{label} drawdown {pct(value)} exceeded the {pct(limit)} limit after "
            f"{_cause_text(cause, rules.venue)}"
        )
        out.emit(
            VIOLATION,
            at,
            sentence + ".",
            {
                "rule": rule,
                "value_pct": str(value),
                "limit_pct": str(limit),
                "exceeded": [r for r, *_ in exceeded],
            },
            cause,
        )
        _finish(out, at, FAILED, rule, f"Challenge {rules.challenge_id} failed: {sentence}.",
                cause)  # fmt: skip
        return
    days = len(s.trading_days)
    if s.profit_pct >= rules.profit_target_pct and days >= rules.min_trading_days:
        _finish(
            out,
            at,
            FUNDED,
            None,
            f"Challenge {rules.challenge_id} funded: profit {pct(s.profit_pct)} reached the "
            f"{pct(rules.profit_target_pct)} target after {_cause_text(cause, rules.venue)}, with "
            f"{days} trading days (at least {rules.min_trading_days}).",
            cause,
        )


def _cause_text(cause: str, venue: str) -> str:
    kind, _, what = cause.partition(":")
    if kind == "fill":
        return f"fill {what} on {venue}"
    if kind == "mark":
        instrument, _, at = what.partition("@")
        when = datetime.fromisoformat(at).astimezone(UTC)
        held = instrument.rstrip("|").replace("|", " ")
        return f"the price of {held} at {when:%Y-%m-%d %H:%M} UTC"
    if kind == "day":
        return f"the close of {what}"
    return f"{kind} {what}".strip()


def _finish(
    out: _Writer, at: datetime, to: str, reason: str | None, sentence: str, cause: str
) -> None:
    s = out.state
    status = "FAILED" if to == FAILED else "FUNDED"
    out.emit(
        STATUS,
        at,
        f"Challenge {s.rules.challenge_id}: {s.status} -> {status}.",
        {"from_status": s.status, "to_status": status, "failure_reason": reason},
        cause,
    )
    s.status, s.terminal, s.failure_reason = status, True, reason
    out.emit(
        to,
        at,
        sentence,
        {"failure_reason": reason, "final_equity": str(s.equity)},
        cause,
    )
