"""Prop-firm challenges (CONTRACT §7, §8): the rules in `ref.challenges`, the event ledger.

- `ref.challenges`: one row per challenge, immutable once written (UPDATE, DELETE and TRUNCATE
  are refused: a new rule set is a new challenge). Loaded by `tradelake load-ref`.
- `ledger.challenge_events`: the challenge's only state, append-only like every ledger
  (ops.protect_ledger). `(challenge_id, sequence_number)` is unique and the numbers run 1, 2, 3…
  without gaps: the evaluator (challenges/) appends with the next expected number, so a second
  evaluator that got there first makes the append fail instead of forking the history. The
  standard ledger columns are there too: `record_hash` (sha256 of the event's content, computed
  by the evaluator), `page_id` (always NULL: no venue page behind an event), `loaded_at`.

Revision ID: 0210
Revises: 0209
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0210"
down_revision = "0209"
branch_labels = None
depends_on = None

EVENT_TYPES = (
    "CHALLENGE_STARTED",
    "TRADE_EXECUTED",
    "DAILY_PNL_CALCULATED",
    "RISK_VIOLATION_DETECTED",
    "CHALLENGE_STATUS_CHANGED",
    "CHALLENGE_FAILED",
    "CHALLENGE_FUNDED",
)

TABLES = f"""
create or replace function ops.refuse_rule_rewrite() returns trigger language plpgsql as $$
begin
    raise exception '% on %.% is refused: challenge rules are immutable once written',
        tg_op, tg_table_schema, tg_table_name
        using errcode = 'insufficient_privilege',
              hint = 'a new rule set is a new challenge: insert it with a new challenge_id';
end $$;

create table ref.challenges (
    challenge_id           text primary key check (challenge_id <> ''),
    venue                  text not null,
    account                text not null,
    initial_balance        numeric not null check (initial_balance > 0),
    profit_target_pct      numeric not null check (profit_target_pct > 0),
    max_daily_drawdown_pct numeric not null
        check (max_daily_drawdown_pct > 0 and max_daily_drawdown_pct <= 100),
    max_total_drawdown_pct numeric not null
        check (max_total_drawdown_pct > 0 and max_total_drawdown_pct <= 100),
    min_trading_days       integer not null default 0 check (min_trading_days >= 0),
    max_days               integer not null check (max_days > 0),
    started_at             timestamptz not null,
    created_at             timestamptz not null default now()
);
comment on table ref.challenges is
    'Prop-firm challenge rules (CONTRACT §7): immutable rows; a new rule set is a new challenge.';
create trigger refuse_update_delete before update or delete on ref.challenges
    for each row execute function ops.refuse_rule_rewrite();
create trigger refuse_truncate before truncate on ref.challenges
    for each statement execute function ops.refuse_rule_rewrite();

create table ledger.challenge_events (
    event_id        bigint generated always as identity primary key,
    challenge_id    text not null references ref.challenges,
    sequence_number integer not null check (sequence_number > 0),
    event_type      text not null check (event_type in {EVENT_TYPES!r}),
    event_data      jsonb not null,
    description     text not null check (description <> ''),
    occurred_at     timestamptz not null,
    recorded_at     timestamptz not null default now(),
    caused_by       text,
    record_hash     text not null,
    page_id         bigint,
    loaded_at       timestamptz not null default now(),
    unique (challenge_id, sequence_number)
);
comment on table ledger.challenge_events is
    'Prop-firm challenge events (CONTRACT §8): the only state of a challenge, append-only, '
    'sequence_number 1, 2, 3... per challenge without gaps.';
create index challenge_events_loaded_at on ledger.challenge_events using brin (loaded_at);
select ops.protect_ledger('ledger.challenge_events');
"""


def upgrade() -> None:
    op.execute(TABLES)


def downgrade() -> None:
    # refused while either table holds a row (migrations/financial.py)
    drop_financial_tables("ledger.challenge_events", "ref.challenges")
    op.execute("drop function ops.refuse_rule_rewrite()")
