"""Reference data from CSV files into `ref` (ingestion/ref_data.py), against the real database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ingestion.ref_data import RefDataError, load_ref_dir

DEMO_REF = Path(__file__).resolve().parents[2] / "demo" / "ref"

STRATEGIES = (
    "strategy_name,strategy_version,strategy_type,config,status\n"
    'fade,v1,mean_reversion,"{""min_edge"": 0.05}",retired\n'
    'fade,v2,mean_reversion,"{""min_edge"": 0.03}",\n'
)
MODELS = 'model_name,model_version,model_type,config\nelo,v3,elo,"{""k"": 20}"\n'
TAGS = (
    "venue,order_id,strategy_name,strategy_version,model_name,model_version,"
    "edge_at_execution,confidence_at_execution\n"
    "kalshi,o-1,fade,v1,elo,v3,0.07,0.6\n"
    "kalshi,o-2,fade,v2,,,,\n"
)
PROBABILITIES = (
    "model_name,model_version,venue,market_id,outcome,probability,computed_at\n"
    "elo,v3,kalshi,M-1,yes,0.61,2025-11-23T17:00:00Z\n"
)
MATRICES = (
    "category,subcategory,version,state_descriptor,value_bucket,situational_factors,"
    "win_probability,sample_size\n"
    "nfl,halftime,2025,leading,7-10,,0.78,412\n"
    'nfl,halftime,2025,leading,7-10,"{""home"": true}",0.81,201\n'
)


def write(directory: Path, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def full_dir(tmp_path: Path) -> Path:
    return write(
        tmp_path / "ref",
        strategies=STRATEGIES,
        probability_models=MODELS,
        order_tags=TAGS,
        model_probabilities=PROBABILITIES,
        probability_matrices=MATRICES,
    )


def test_loads_every_table_in_fk_order_and_is_idempotent(
    conn: psycopg.Connection, full_dir: Path
) -> None:
    (full_dir / "notes.csv").write_text("ignored,file\n")
    first = load_ref_dir(conn, full_dir)
    assert first == {
        "strategies": 2,
        "probability_models": 1,
        "order_tags": 2,
        "model_probabilities": 1,
        "probability_matrices": 2,
    }
    assert load_ref_dir(conn, full_dir) == dict.fromkeys(first, 0)

    rows = conn.execute(
        "select strategy_version, config, status from ref.strategies order by 1"
    ).fetchall()
    # empty status cell takes the database default; JSON text becomes jsonb
    assert rows == [
        ("v1", {"min_edge": 0.05}, "retired"),
        ("v2", {"min_edge": 0.03}, "active"),
    ]
    tags = conn.execute(
        "select order_id, model_name, edge_at_execution, confidence_at_execution "
        "from ref.order_tags order by 1"
    ).fetchall()
    # confidence is text as written (CONTRACT §7)
    assert tags == [("o-1", "elo", Decimal("0.07"), "0.6"), ("o-2", None, None, None)]
    factors = conn.execute(
        "select situational_factors, sample_size from ref.probability_matrices order by 2"
    ).fetchall()
    assert factors == [({"home": True}, 201), ({}, 412)]


def test_missing_files_are_skipped(conn: psycopg.Connection, tmp_path: Path) -> None:
    directory = write(tmp_path / "only", strategies=STRATEGIES)
    assert load_ref_dir(conn, directory) == {"strategies": 2}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"strategies": STRATEGIES + 'fade,v3,mean_reversion,"{not json}",active\n'},
            r"strategies\.csv:4: config: not valid JSON",
        ),
        (
            {"strategies": STRATEGIES + "fade,v3,,{},active\n"},
            r"strategies\.csv:4: strategy_type is required",
        ),
        (
            {"strategies": "strategy_name,strategy_version,kind\nfade,v1,x\n"},
            r"strategies\.csv:1: unknown column\(s\) \['kind'\]",
        ),
        (
            {
                "strategies": STRATEGIES,
                "probability_models": MODELS,
                "order_tags": TAGS + "kalshi,o-3,fade,v9,,,,\n",
            },
            r"order_tags\.csv:4: ref\.order_tags refused the row: .*foreign key",
        ),
        (
            {
                "strategies": STRATEGIES,
                "probability_models": MODELS,
                "order_tags": TAGS + "kalshi,o-3,fade,v1,elo,v3,0.1,1.7\n",
            },
            r"order_tags\.csv:4: confidence_at_execution: expected high, medium, low or a "
            r"number in \[0, 1\], got '1\.7'",
        ),
        (
            {
                "strategies": STRATEGIES,
                "probability_models": MODELS,
                "order_tags": TAGS + "kalshi,o-3,fade,v1,elo,v3,0.1,very high\n",
            },
            r"order_tags\.csv:4: confidence_at_execution: expected .* got 'very high'",
        ),
        (
            {
                "strategies": STRATEGIES,
                "probability_models": MODELS,
                "order_tags": TAGS + "kalshi,o-3,fade,v1,elo,v3,abc,0.5\n",
            },
            r"order_tags\.csv:4: edge_at_execution: not a number",
        ),
    ],
)
def test_bad_row_names_file_and_line_and_keeps_nothing(
    conn: psycopg.Connection, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    directory = write(tmp_path / "bad", **files)
    with pytest.raises(RefDataError, match=message):
        load_ref_dir(conn, directory)
    conn.rollback()
    # one transaction per load: the good rows before the bad one are not kept either
    assert conn.execute("select count(*) from ref.strategies").fetchone() == (0,)


def test_changed_immutable_config_is_refused_but_status_may_differ(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_ref_dir(conn, write(tmp_path / "a", strategies=STRATEGIES))
    conn.commit()
    status_only = STRATEGIES.replace("retired", "active")
    assert load_ref_dir(conn, write(tmp_path / "b", strategies=status_only)) == {"strategies": 0}

    rewritten = STRATEGIES.replace("0.05", "0.09")
    with pytest.raises(RefDataError, match=r"strategies\.csv:2: .*different \['config'\]"):
        load_ref_dir(conn, write(tmp_path / "c", strategies=rewritten))
    conn.rollback()
    stored = conn.execute(
        "select config from ref.strategies where strategy_version = 'v1'"
    ).fetchone()
    assert stored == ({"min_edge": 0.05},)


def test_equal_numbers_written_differently_are_not_a_change(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    base = {"strategies": STRATEGIES, "probability_models": MODELS, "order_tags": TAGS}
    load_ref_dir(conn, write(tmp_path / "a", **base))
    again = dict(base, order_tags=TAGS.replace("0.07,0.6", "0.070,0.60"))
    assert load_ref_dir(conn, write(tmp_path / "b", **again))["order_tags"] == 0


CONFIDENCE_TAGS = (
    "venue,order_id,strategy_name,strategy_version,confidence_at_execution\n"
    "kalshi,c-high,fade,v1,high\n"
    "kalshi,c-medium,fade,v1,medium\n"
    "kalshi,c-low,fade,v1,LOW\n"
    "kalshi,c-num,fade,v1,0.7\n"
    "kalshi,c-scale,fade,v1,0.70\n"
)


def test_confidence_words_and_numbers_are_kept_as_written(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    base = {"strategies": STRATEGIES, "probability_models": MODELS}
    counts = load_ref_dir(conn, write(tmp_path / "a", **base, order_tags=CONFIDENCE_TAGS))
    assert counts["order_tags"] == 5
    stored = conn.execute(
        "select order_id, confidence_at_execution, pg_typeof(confidence_at_execution)::text "
        "from ref.order_tags order by order_id"
    ).fetchall()
    assert stored == [
        ("c-high", "high", "text"),
        ("c-low", "LOW", "text"),
        ("c-medium", "medium", "text"),
        ("c-num", "0.7", "text"),
        ("c-scale", "0.70", "text"),
    ]
    conn.commit()
    # a re-load writing the same number differently is no change; another word is
    same = CONFIDENCE_TAGS.replace(",0.7\n", ",0.700\n")
    assert load_ref_dir(conn, write(tmp_path / "b", **base, order_tags=same))["order_tags"] == 0
    changed = CONFIDENCE_TAGS.replace(",medium\n", ",low\n")
    with pytest.raises(RefDataError, match=r"order_tags\.csv:3: .*different \['confidence"):
        load_ref_dir(conn, write(tmp_path / "c", **base, order_tags=changed))
    conn.rollback()


@pytest.mark.parametrize("value", ["very high", "1.5", "-0.1", "NaN", ""])
def test_database_refuses_other_confidence_text(conn: psycopg.Connection, value: str) -> None:
    # a bot writing straight to ref.order_tags meets the same rule as the loader (migration 0203)
    load_ref_dir(conn, DEMO_REF)
    with pytest.raises(psycopg.errors.CheckViolation, match="confidence_at_execution"):
        conn.execute(
            "insert into ref.order_tags (venue, order_id, strategy_name, strategy_version, "
            "confidence_at_execution) values ('kalshi', 'x', 'nfl_favorite_fade', 'v1', %s)",
            (value,),
        )


def test_not_a_directory(conn: psycopg.Connection, tmp_path: Path) -> None:
    with pytest.raises(RefDataError, match="not a directory"):
        load_ref_dir(conn, tmp_path / "absent")


def test_demo_reference_data_loads(conn: psycopg.Connection) -> None:
    counts = load_ref_dir(conn, DEMO_REF)
    assert counts["strategies"] == 2
    assert counts["probability_models"] >= 1
    assert counts["order_tags"] >= 1
    versions = conn.execute(
        "select count(distinct config) from ref.strategies "
        "where strategy_name = 'nfl_favorite_fade'"
    ).fetchone()
    assert versions == (2,)  # two versions with different immutable configs: the A/B comparison


EXIT_TAGS = (
    "venue,order_id,strategy_name,strategy_version,exit_condition,exit_priority\n"
    "kalshi,x-1,fade,v1,take_profit,HIGH\n"
    "kalshi,x-2,fade,v1,stop_loss,critical\n"
    "kalshi,x-3,fade,v1,,\n"
)


def test_exit_condition_and_priority_are_optional_columns(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # migration 0222: a file with the new columns loads them (priority stored upper case); a
    # file written before them (TAGS) still loads, its rows without either
    base = {"strategies": STRATEGIES, "probability_models": MODELS}
    assert (
        load_ref_dir(conn, write(tmp_path / "a", **base, order_tags=EXIT_TAGS))["order_tags"] == 3
    )
    assert load_ref_dir(conn, write(tmp_path / "b", order_tags=TAGS))["order_tags"] == 2
    stored = conn.execute(
        "select order_id, exit_condition, exit_priority from ref.order_tags order by order_id"
    ).fetchall()
    assert stored == [
        ("o-1", None, None),
        ("o-2", None, None),
        ("x-1", "take_profit", "HIGH"),
        ("x-2", "stop_loss", "CRITICAL"),
        ("x-3", None, None),
    ]


def test_other_exit_priority_is_refused(conn: psycopg.Connection, tmp_path: Path) -> None:
    bad = EXIT_TAGS.replace("critical", "urgent")
    base = {"strategies": STRATEGIES, "probability_models": MODELS}
    with pytest.raises(RefDataError, match=r"order_tags\.csv:3: exit_priority: expected one of"):
        load_ref_dir(conn, write(tmp_path / "a", **base, order_tags=bad))
    conn.rollback()
    # and the database refuses it from a bot writing straight to ref.order_tags
    load_ref_dir(conn, DEMO_REF)
    with pytest.raises(psycopg.errors.CheckViolation, match="exit_priority"):
        conn.execute(
            "insert into ref.order_tags (venue, order_id, strategy_name, strategy_version, "
            "exit_priority) values ('kalshi', 'x', 'nfl_favorite_fade', 'v1', 'high')"
        )
