"""The database: creation, migrations, connection settings, integrity."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ptt import db
from ptt.errors import DatabaseError
from tests.helpers import ROOT, ptt_env


def schema_objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (row[0], row[1])
        for row in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }


def declared_objects() -> set[tuple[str, str]]:
    memory = sqlite3.connect(":memory:")
    memory.executescript(db.schema_sql())
    return schema_objects(memory)


def test_it_creates_every_table_and_view_of_schema_sql(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "new" / "ptt.db")

    assert schema_objects(conn) == declared_objects()
    assert db.user_version(conn) == db.schema_version()
    for name in ("politicians", "filings", "trading_disclosures", "scheduled_jobs",
                 "job_executions", "action_logs", "data_sources"):  # fmt: skip
        assert ("table", name) in schema_objects(conn)
    for name in ("job_execution_summary", "scheduled_jobs_status"):
        assert ("view", name) in schema_objects(conn)


def test_it_changes_nothing_when_created_twice(tmp_path: Path) -> None:
    path = tmp_path / "ptt.db"
    first = db.connect(path)
    before = (schema_objects(first), db.user_version(first))
    first.close()

    second = db.connect(path)

    assert (schema_objects(second), db.user_version(second)) == before


def test_it_sets_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO trading_disclosures (politician_id, filing_id, row_number) "
            "VALUES (999, 999, 1)"
        )


def test_it_refuses_a_database_newer_than_itself(tmp_path: Path) -> None:
    path = tmp_path / "ptt.db"
    db.connect(path).execute(f"PRAGMA user_version = {db.schema_version() + 1}")

    with pytest.raises(DatabaseError, match="newer than this ptt knows"):
        db.connect(path)


def test_it_rolls_back_a_failed_transaction(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")

    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO data_sources (id, name) VALUES ('x', 'X')")
        raise RuntimeError("boom")

    assert conn.execute("SELECT COUNT(*) FROM data_sources").fetchone()[0] == 0
    assert not conn.in_transaction


def test_it_creates_the_schema_once_when_processes_race(tmp_path: Path) -> None:
    path = tmp_path / "ptt.db"
    code = f"from ptt import db; db.connect({str(path)!r}).close()"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=ptt_env(tmp_path),
            stderr=subprocess.PIPE, text=True,
        )
        for _ in range(6)
    ]  # fmt: skip
    errors = [p.communicate(timeout=60)[1] for p in processes]

    assert [p.returncode for p in processes] == [0] * 6, errors
    conn = db.connect(path)
    assert schema_objects(conn) == declared_objects()
    assert db.integrity_check(conn) == []


def test_it_reports_an_unopenable_path_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    with pytest.raises(DatabaseError, match="cannot open the database"):
        db.connect(blocker / "ptt.db")


def test_it_splits_scripts_into_complete_statements() -> None:
    statements = db.split_statements(
        "-- a comment\nCREATE TABLE a (x TEXT DEFAULT ';');\n\nCREATE VIEW v AS\n"
        "SELECT x FROM a;\n"
    )

    assert statements == [
        "-- a comment\nCREATE TABLE a (x TEXT DEFAULT ';');",
        "CREATE VIEW v AS\nSELECT x FROM a;",
    ]
