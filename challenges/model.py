"""What a challenge is made of: its rules, the things that happen to its account, its events.

Plain data, no I/O. Money and percentages are Decimal; times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

STARTED = "CHALLENGE_STARTED"
TRADE = "TRADE_EXECUTED"
DAILY = "DAILY_PNL_CALCULATED"
VIOLATION = "RISK_VIOLATION_DETECTED"
STATUS = "CHALLENGE_STATUS_CHANGED"
FAILED = "CHALLENGE_FAILED"
FUNDED = "CHALLENGE_FUNDED"
TERMINAL = (FAILED, FUNDED)

PENDING, ACTIVE = "PENDING", "ACTIVE"

# What happens at one instant, in this order: the day rolls over first (the daily event closes
# the day with the equity before anything else at midnight), then prices move, then the account
# trades or settles, and a deadline falls last (a fill at the deadline instant still counts).
MIDNIGHT, MARK, ITEM, DEADLINE = 0, 1, 2, 3


@dataclass(frozen=True)
class Rules:
    """One row of ref.challenges (CONTRACT §7)."""

    challenge_id: str
    venue: str
    account: str
    initial_balance: Decimal
    profit_target_pct: Decimal
    max_daily_drawdown_pct: Decimal
    max_total_drawdown_pct: Decimal
    min_trading_days: int
    max_days: int
    started_at: datetime

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(days=self.max_days)

    def thresholds(self) -> dict[str, str]:
        return {
            "initial_balance": str(self.initial_balance),
            "profit_target_pct": str(self.profit_target_pct),
            "max_daily_drawdown_pct": str(self.max_daily_drawdown_pct),
            "max_total_drawdown_pct": str(self.max_total_drawdown_pct),
            "min_trading_days": self.min_trading_days,
            "max_days": self.max_days,
            "deadline": self.deadline.isoformat(),
        }


@dataclass(frozen=True)
class PnlItem:
    """A fill, venue settlement or resolution of the account (one row of int_pnl_events, the
    fill's details from int_fill_pnl). `pnl` is the realised PnL before fees as the PnL rules
    of the marts define it; `fee` is what the account paid (negative: a rebate)."""

    kind: str  # fill | settlement | resolution
    item_id: str  # fill_id | market_id | market_id:outcome
    at: datetime
    market_id: str
    outcome: str | None = None
    side: str | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    fee: Decimal = Decimal(0)
    pnl: Decimal = Decimal(0)

    @property
    def caused_by(self) -> str:
        return f"{self.kind}:{self.item_id}"


@dataclass(frozen=True)
class Mark:
    """A known price of an outcome/instrument at a time (core.price_history, market history)."""

    at: datetime
    market_id: str
    outcome: str | None
    price: Decimal


@dataclass(frozen=True)
class Event:
    """One row of ledger.challenge_events (without the columns the database fills in)."""

    challenge_id: str
    sequence_number: int
    event_type: str
    occurred_at: datetime
    description: str
    event_data: dict[str, Any]
    caused_by: str | None = None


@dataclass
class Position:
    quantity: Decimal  # signed: positive long, negative short
    avg_price: Decimal
    mark: Decimal

    @property
    def unrealized(self) -> Decimal:
        return self.quantity * (self.mark - self.avg_price)


@dataclass
class State:
    """A challenge's state: what the events say, folded (see evaluator.replay)."""

    rules: Rules
    status: str = PENDING
    balance: Decimal = Decimal(0)  # initial balance + every (pnl - fee) so far
    positions: dict[str, Position] = field(default_factory=dict)
    max_equity: Decimal = Decimal(0)
    daily_start_equity: Decimal = Decimal(0)
    day: date | None = None
    trading_days: list[str] = field(default_factory=list)
    fills: int = 0
    volume: Decimal = Decimal(0)
    applied: set[str] = field(default_factory=set)
    cursor: tuple[datetime, int, str] | None = None
    sequence_number: int = 0
    terminal: bool = False
    failure_reason: str | None = None

    @property
    def unrealized(self) -> Decimal:
        return sum((p.unrealized for p in self.positions.values()), Decimal(0))

    @property
    def equity(self) -> Decimal:
        return self.balance + self.unrealized

    @property
    def profit_pct(self) -> Decimal:
        initial = self.rules.initial_balance
        return (self.equity - initial) / initial * 100

    @property
    def daily_drawdown_pct(self) -> Decimal:
        """(daily start equity - equity) / daily start equity x 100; a gain is no drawdown (0)."""
        start = self.daily_start_equity
        return max(Decimal(0), (start - self.equity) / start * 100) if start > 0 else Decimal(0)

    @property
    def total_drawdown_pct(self) -> Decimal:
        peak = self.max_equity
        return max(Decimal(0), (peak - self.equity) / peak * 100) if peak > 0 else Decimal(0)
