"""The challenge evaluator on hand-computed equity paths (CONTRACT §8), one per outcome.

Every number below is worked out in the comments: fees, a partial close, open positions marked
to market, the UTC midnight that resets the daily drawdown, the deadline. Then the properties
of an event-sourced ledger: resuming after any group gives the same events (a crash between
groups loses and duplicates nothing), a second evaluation adds nothing, a late fill is applied
with a correction instead of rewriting history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from challenges.evaluator import evaluate, replay
from challenges.model import Mark, PnlItem, Rules

JAN1 = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def rules(**kw) -> Rules:
    base = dict(
        challenge_id="c1",
        venue="kalshi",
        account="acct",
        initial_balance=D(1000),
        profit_target_pct=D(5),
        max_daily_drawdown_pct=D(3),
        max_total_drawdown_pct=D(6),
        min_trading_days=2,
        max_days=10,
        started_at=JAN1,
    )
    return Rules(**{**base, **kw})


def fill(fill_id, when, side, qty, market, price, fee="0", pnl="0", outcome="yes") -> PnlItem:
    return PnlItem("fill", fill_id, when, market, outcome, side, D(price), D(qty), D(fee), D(pnl))


def mark(when, market, price, outcome="yes") -> Mark:
    return Mark(when, market, outcome, D(price))


def flat(groups):
    return [e for g in groups for e in g]


def types(events):
    return [e.event_type for e in events]


# --- A: funded by a mark, after fees, a partial close and a midnight ---------------------------

A_ITEMS = [
    # buy 100 M1 yes at 0.40, fee 1.00: balance 999, position 100 @ 0.40 -> equity 999
    fill("f1", at(1, 10), "buy", "100", "M1", "0.40", fee="1.00"),
    # sell 40 at 0.55, fee 0.50, realised 40 x 0.15 = 6: balance 1004.50; 60 left @ 0.40
    # marked at 0.55 (+9) -> equity 1013.50
    fill("f2", at(2, 9), "sell", "40", "M1", "0.55", fee="0.50", pnl="6.00"),
    # buy 50 M2 no at 0.20, fee 0.25: balance 1004.25
    fill("f3", at(2, 13), "buy", "50", "M2", "0.20", fee="0.25", outcome="no"),
]
A_MARKS = [
    mark(at(1, 18), "M1", "0.50"),  # 100 x 0.10 = +10 -> equity 1009 (day 1 closes there)
    mark(at(2, 12), "M1", "0.95"),  # 60 x 0.55 = +33 -> 1004.50 + 33 = 1037.50
    mark(at(2, 15), "M1", "1.00"),  # 60 x 0.60 = +36 -> 1004.25 + 36 = 1040.25 (4.025 %)
    mark(at(2, 16), "M2", "0.50", outcome="no"),  # + 50 x 0.30 = 15 -> 1055.25: 5.525 % >= 5
    mark(at(2, 17), "M2", "0.10", outcome="no"),  # after funding: never evaluated
]


def test_funded_at_the_mark_that_lifts_profit_over_the_target_with_two_trading_days():
    groups = evaluate(rules(), [], A_ITEMS, A_MARKS, at(5, 0))
    events = flat(groups)
    assert types(events) == [
        "CHALLENGE_STARTED",
        "CHALLENGE_STATUS_CHANGED",
        "TRADE_EXECUTED",  # f1
        "DAILY_PNL_CALCULATED",  # 2026-01-01 closes at 1009
        "TRADE_EXECUTED",  # f2
        "TRADE_EXECUTED",  # f3
        "CHALLENGE_STATUS_CHANGED",
        "CHALLENGE_FUNDED",
    ]
    assert [e.sequence_number for e in events] == list(range(1, 9))
    f1, daily, f2, f3 = events[2], events[3], events[4], events[5]
    assert D(f1.event_data["equity_after"]) == D("999.00")
    assert daily.event_data["day"] == "2026-01-01"
    assert D(daily.event_data["day_end_equity"]) == D("1009.00")
    assert D(daily.event_data["daily_pnl"]) == D("9.00")
    assert D(daily.event_data["state"]["daily_start_equity"]) == D("1009.00")
    assert D(f2.event_data["equity_after"]) == D("1013.50")  # the partial close
    assert f2.event_data["state"]["positions"]["M1|yes"]["quantity"] == "60"
    assert D(f3.event_data["equity_after"]) == D("1037.25")
    funded = events[-1]
    assert funded.occurred_at == at(2, 16)
    assert funded.caused_by == "mark:M2|no@2026-01-02T16:00:00+00:00"
    assert D(funded.event_data["final_equity"]) == D("1055.25")
    assert "profit 5.53 % reached the 5.00 % target" in funded.description
    state = replay(rules(), events)
    assert (state.status, state.terminal, state.trading_days) == (
        "FUNDED",
        True,
        ["2026-01-01", "2026-01-02"],
    )
    assert state.equity == D("1055.25") and state.max_equity == D("1055.25")
    # daily start 1009, equity above it: no daily drawdown; profit (1055.25 - 1000) / 10
    assert state.daily_drawdown_pct == 0 and state.profit_pct == D("5.525")


def test_the_target_alone_does_not_fund_without_the_trading_days():
    events = flat(evaluate(rules(min_trading_days=3), [], A_ITEMS, A_MARKS, at(2, 23)))
    assert "CHALLENGE_FUNDED" not in types(events)
    assert replay(rules(), events).status == "ACTIVE"


# --- B: the daily limit, measured from the equity at midnight ----------------------------

B_RULES = dict(profit_target_pct=D(10), max_daily_drawdown_pct=D(2), max_total_drawdown_pct=D(5))
B_ITEMS = [
    fill("b1", at(1, 10), "buy", "100", "X", "0.50"),  # equity 1000
    # sell everything at 0.15, fee 0.50, realised 100 x -0.35 = -35: balance 964.50
    fill("b2", at(2, 10), "sell", "100", "X", "0.15", fee="0.50", pnl="-35"),
]
B_MARKS = [
    mark(at(1, 20), "X", "0.35"),  # -15: 985, daily and total 1.5 %
    # day 2 starts at 985. At 0.20: 970 = daily (985 - 970) / 985 = 1.52 % (3 % from 1000
    # without the midnight reset: it would have failed here), total 3 %
    mark(at(2, 9), "X", "0.20"),
]


def test_failed_on_the_daily_drawdown_from_the_midnight_equity():
    events = flat(evaluate(rules(**B_RULES), [], B_ITEMS, B_MARKS, at(5, 0)))
    assert types(events)[-4:] == [
        "TRADE_EXECUTED",
        "RISK_VIOLATION_DETECTED",
        "CHALLENGE_STATUS_CHANGED",
        "CHALLENGE_FAILED",
    ]
    violation = events[-3]
    # (985 - 964.50) / 985 x 100 = 2.0812 % > 2 %; total (1000 - 964.50) / 1000 = 3.55 % < 5 %
    assert violation.event_data["rule"] == "daily_drawdown"
    assert D(violation.event_data["value_pct"]).quantize(D("0.0001")) == D("2.0812")
    assert violation.description == (
        "Daily drawdown 2.08 % exceeded the 2.00 % limit after fill b2 on kalshi."
    )
    assert violation.occurred_at == at(2, 10) and violation.caused_by == "fill:b2"
    state = replay(rules(**B_RULES), events)
    assert (state.status, state.failure_reason, state.equity) == (
        "FAILED",
        "daily_drawdown",
        D("964.50"),
    )
    assert state.total_drawdown_pct == D("3.55")


# --- C: the total limit, crossed by a mark between fills ---------------------------------


def test_failed_on_the_total_drawdown_from_the_peak_at_a_mark():
    r = rules(max_daily_drawdown_pct=D(50), max_total_drawdown_pct=D(4), profit_target_pct=D(20))
    items = [fill("c1", at(1, 10), "buy", "100", "Y", "0.50")]
    marks = [
        mark(at(1, 12), "Y", "0.80"),  # +30: peak 1030
        mark(at(2, 12), "Y", "0.60"),  # 1010: total (1030 - 1010) / 1030 = 1.94 %
        mark(at(3, 12), "Y", "0.38"),  # 988: total 42 / 1030 = 4.0777 % > 4 %
    ]
    events = flat(evaluate(r, [], items, marks, at(9, 0)))
    assert types(events)[-3:] == [
        "RISK_VIOLATION_DETECTED",
        "CHALLENGE_STATUS_CHANGED",
        "CHALLENGE_FAILED",
    ]
    violation = events[-3]
    assert violation.event_data["rule"] == "total_drawdown"
    assert violation.caused_by == "mark:Y|yes@2026-01-03T12:00:00+00:00"
    assert violation.description.startswith("Total drawdown 4.08 % exceeded the 4.00 % limit")
    # two midnights passed: days 1 and 2 closed at 1030 and 1010
    daily = [e for e in events if e.event_type == "DAILY_PNL_CALCULATED"]
    assert [D(e.event_data["day_end_equity"]) for e in daily] == [D(1030), D(1010)]
    assert replay(r, events).max_equity == D(1030)


# --- D: expired ------------------------------------------------------------------------------


def test_expired_when_max_days_pass_without_funding_and_later_fills_are_not_applied():
    r = rules(max_days=3)
    items = [
        fill("d1", at(1, 10), "buy", "10", "Z", "0.50", fee="0.10"),
        fill("d2", at(5, 10), "sell", "10", "Z", "0.90", pnl="4"),  # after the deadline
    ]
    events = flat(evaluate(r, [], items, [], at(10, 0)))
    assert types(events) == [
        "CHALLENGE_STARTED",
        "CHALLENGE_STATUS_CHANGED",
        "TRADE_EXECUTED",
        "DAILY_PNL_CALCULATED",
        "DAILY_PNL_CALCULATED",
        "DAILY_PNL_CALCULATED",  # 2026-01-04 00:00 closes day 3, then the deadline falls
        "CHALLENGE_STATUS_CHANGED",
        "CHALLENGE_FAILED",
    ]
    failed = events[-1]
    assert failed.occurred_at == at(4, 0) and failed.event_data["failure_reason"] == "expired"
    assert failed.description == (
        "Challenge c1 expired: the 3 days ended with profit -0.01 % of the 5.00 % target and "
        "1 of 2 trading days."
    )
    assert "fill:d2" not in replay(r, events).applied


def test_nothing_before_the_start_and_pending_until_then():
    assert evaluate(rules(), [], A_ITEMS, A_MARKS, datetime(2025, 12, 31, tzinfo=UTC)) == []
    assert replay(rules(), []).status == "PENDING"


# --- settlements ------------------------------------------------------------------------------


def test_a_settlement_closes_the_market_and_one_of_an_untraded_market_is_not_the_challenges():
    items = [
        fill("s1", at(1, 10), "buy", "10", "S", "0.60", fee="0.05"),  # balance 999.95
        # settled: revenue 10 - cost 6 = +4 -> balance 1003.95, position gone
        PnlItem("settlement", "S", at(2, 6), "S", pnl=D(4)),
        # a market held before the challenge (no fill in it since the start): not counted
        PnlItem("settlement", "OLD", at(2, 7), "OLD", pnl=D(500)),
    ]
    events = flat(evaluate(rules(profit_target_pct=D(50)), [], items, [], at(3, 0)))
    trades = [e for e in events if e.event_type == "TRADE_EXECUTED"]
    assert [e.caused_by for e in trades] == ["fill:s1", "settlement:S"]
    state = replay(rules(), events)
    assert state.equity == D("1003.95") and state.positions == {}


# --- the ledger's properties ------------------------------------------------------------------


def test_resuming_after_any_group_gives_the_same_events():
    """A crash between two groups: the next evaluation starts from the ledger and goes on."""
    r = rules(**B_RULES)
    full = evaluate(r, [], B_ITEMS, B_MARKS, at(5, 0))
    for k in range(len(full)):
        prior = flat(full[:k])
        assert flat(evaluate(r, prior, B_ITEMS, B_MARKS, at(5, 0))) == flat(full[k:]), k
    assert evaluate(r, flat(full), B_ITEMS, B_MARKS, at(5, 0)) == []


def test_a_second_evaluation_at_the_same_time_adds_nothing_and_a_later_one_only_the_new_days():
    r = rules(min_trading_days=5)  # never funded here
    first = flat(evaluate(r, [], A_ITEMS[:1], [], at(3, 12)))
    assert evaluate(r, first, A_ITEMS[:1], [], at(3, 12)) == []
    later = flat(evaluate(r, first, A_ITEMS[:1], [], at(4, 12)))
    assert types(later) == ["DAILY_PNL_CALCULATED"]
    assert later[0].sequence_number == first[-1].sequence_number + 1
    assert later[0].event_data["day"] == "2026-01-03"


def test_a_late_fill_is_applied_with_a_correction_not_written_into_history():
    r = rules(min_trading_days=5)
    first = flat(evaluate(r, [], A_ITEMS[:2], [], at(2, 10)))  # walked up to f2 (01-02 09:00)
    late = fill("late", at(1, 23), "buy", "10", "M3", "0.30", fee="0.10")
    more = flat(evaluate(r, first, [*A_ITEMS[:2], late], [], at(2, 11)))
    assert types(more) == ["RISK_VIOLATION_DETECTED", "TRADE_EXECUTED"]
    correction, trade = more
    assert correction.event_data["rule"] == "late_data"
    assert correction.occurred_at == at(2, 9)  # the instant the walk had reached
    assert "arrived after the challenge was evaluated up to 2026-01-02 09:00:00" in (
        correction.description
    )
    assert trade.event_data["late"] is True and trade.caused_by == "fill:late"
    # f2 left 1004.50 + 60 x 0.15 = 1013.50; the late fill's fee takes 0.10
    assert D(trade.event_data["equity_after"]) == D("1013.40")
    assert evaluate(r, first + more, [*A_ITEMS[:2], late], [], at(2, 11)) == []
