"""The database: creation, migrations, connection settings, integrity."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptt import db
from ptt.errors import DatabaseError
from tests.helpers import ROOT, ptt_env, run_ptt


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


# Backups -------------------------------------------------------------------------------

TABLES = ("politicians", "filings", "trading_disclosures", "action_logs")


def row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES
        }
    finally:
        conn.close()


def test_a_backup_is_one_checked_file_with_every_row(fixture_db: Path) -> None:
    copy = fixture_db.parent / "backups" / "ptt-copy.db"
    before = row_counts(fixture_db)

    done = run_ptt(fixture_db.parent, "db", "backup", str(copy))

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up {fixture_db} to {copy} (")
    assert row_counts(copy) == before
    assert before["trading_disclosures"] > 500
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["ptt-copy.db"]
    [action] = sqlite3.connect(fixture_db).execute(
        "SELECT target, status FROM action_logs WHERE action_type = 'database_backup'"
    )
    assert action == (str(copy), "completed")


def test_a_backup_beside_a_writer_in_another_process_holds_what_was_committed(
    fixture_db: Path,
) -> None:
    copy = fixture_db.parent / "copy.db"
    committed = row_counts(fixture_db)
    writer = db.connect(fixture_db)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM trading_disclosures")

    # The writer holds its lock while the copy is made: WAL lets the backup read the
    # committed rows. Only the action log's line then waits for the lock.
    backup = subprocess.Popen(
        [sys.executable, "-m", "ptt", "db", "backup", str(copy)],
        cwd=ROOT,
        env=ptt_env(fixture_db.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not copy.exists() and backup.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    copied = row_counts(copy)
    writer.execute("ROLLBACK")
    _, err = backup.communicate(timeout=60)

    assert backup.returncode == 0, err
    assert copied == committed
    assert copied["trading_disclosures"] > 500


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("copy.db", "Error: {home}/copy.db exists; add --replace to overwrite it"),
        ("ptt.db", "Error: {home}/ptt.db is the database itself; name another file"),
        (".", "Error: {home} is a folder; name the backup file"),
    ],
)
def test_a_backup_that_would_overwrite_is_refused(
    fixture_db: Path, target: str, message: str
) -> None:
    home = fixture_db.parent
    (home / "copy.db").write_bytes(b"an earlier backup")

    done = run_ptt(home, "db", "backup", str(home / target))

    assert done.returncode == 2
    assert done.stderr.strip() == message.format(home=home)
    assert (home / "copy.db").read_bytes() == b"an earlier backup"


def test_replace_overwrites_an_earlier_backup(fixture_db: Path) -> None:
    home = fixture_db.parent
    (home / "copy.db").write_bytes(b"an earlier backup")
    before = row_counts(fixture_db)

    done = run_ptt(home, "db", "backup", str(home / "copy.db"), "--replace")

    assert done.returncode == 0, done.stderr
    assert row_counts(home / "copy.db") == before


def test_a_failed_backup_leaves_no_partial_file(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    with pytest.raises(DatabaseError, match=r"the backup to .* failed"):
        db.backup(conn, blocker / "sub" / "copy.db")

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "file", "ptt.db", "ptt.db-shm", "ptt.db-wal",
    ]  # fmt: skip
