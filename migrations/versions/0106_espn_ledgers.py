"""ESPN ledger: game observations from the public scoreboard.

Revision ID: 0106
Revises: 0001
"""

from alembic import op

from migrations.financial import drop_financial_tables

revision = "0106"
down_revision = "0001"
branch_labels = None
depends_on = None

# Scores are NULL before kickoff; winner only once final (NULL for a tied final). `status` is our
# vocabulary (CONTRACT §5), status_raw/status_state/status_detail are ESPN's words, kept as sent.
TABLES = """
create table ledger.espn_game_observations (
    league        text not null,
    game_id       text not null,
    start_time    timestamptz not null,
    home_team     text not null,
    away_team     text not null,
    home_name     text,
    away_name     text,
    home_score    integer check (home_score >= 0),
    away_score    integer check (away_score >= 0),
    period        integer check (period >= 0),
    clock         text,
    status        text not null check (status in ('scheduled', 'in_progress', 'halftime',
                      'end_period', 'final', 'postponed', 'canceled', 'delayed')),
    status_raw    text not null,
    status_state  text,
    status_detail text,
    completed     boolean not null,
    winner        text,
    observed_at   timestamptz not null,
    record_hash   text not null,
    page_id       bigint,
    loaded_at     timestamptz not null default now(),
    unique (league, game_id, observed_at),
    check (completed = (status = 'final')),
    check (winner is null or completed)
);
comment on table ledger.espn_game_observations is
    'One observation of an ESPN game (scoreboard), appended when its state changes.';
create index espn_game_observations_live on ledger.espn_game_observations (status, start_time);
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute("select ops.protect_ledger('ledger.espn_game_observations')")


def downgrade() -> None:
    drop_financial_tables("ledger.espn_game_observations")
