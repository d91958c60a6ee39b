"""The database itself refuses to rewrite ledgers and immutable reference versions."""

import psycopg
import pytest
from psycopg.types.json import Jsonb


def test_raw_pages_refuse_update_delete_truncate(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into raw.pages (source, endpoint, status, payload, payload_sha256) "
        "values ('t', '/x', 200, '{}', 'h')"
    )
    conn.commit()
    for statement in (
        "update raw.pages set status = 500",
        "delete from raw.pages",
        "truncate raw.pages cascade",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
        conn.rollback()
    assert conn.execute("select count(*) from raw.pages").fetchone() == (1,)


def test_ref_versions_allow_status_change_only(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into ref.strategies (strategy_name, strategy_version, strategy_type, config) "
        "values ('fade', 'v1', 'mean_reversion', %s)",
        (Jsonb({"threshold": 0.05}),),
    )
    conn.execute("update ref.strategies set status = 'retired' where strategy_name = 'fade'")
    conn.commit()
    assert conn.execute("select status from ref.strategies").fetchone() == ("retired",)

    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only status may change"):
        conn.execute("update ref.strategies set config = '{\"threshold\": 0.1}'")
    conn.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="immutable"):
        conn.execute("delete from ref.strategies")
    conn.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("truncate ref.strategies cascade")
    conn.rollback()
    row = conn.execute("select config from ref.strategies").fetchone()
    assert row == ({"threshold": 0.05},)


def test_model_probabilities_append_only(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into ref.probability_models (model_name, model_version, model_type, config) "
        "values ('elo', '1', 'elo', '{}')"
    )
    conn.execute(
        "insert into ref.model_probabilities values "
        "('elo', '1', 'kalshi', 'M', 'yes', 0.6, '2025-11-23T18:00:00Z')"
    )
    conn.commit()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("update ref.model_probabilities set probability = 0.7")
    conn.rollback()
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "insert into ref.model_probabilities values "
            "('elo', '1', 'kalshi', 'M', 'yes', 1.2, '2025-11-23T19:00:00Z')"
        )
