"""Migrations: a database made by an earlier ptt reaches today's schema, data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ptt import db
from tests.helpers import ROOT

# The schema as the first release of ptt created it, frozen: never edit this file.
SCHEMA_V1 = ROOT / "tests" / "data" / "schema_v1.sql"


def _statement(sql: str | None) -> str | None:
    """Return a CREATE statement with its spacing and comments folded away."""
    if sql is None:
        return None
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    text = " ".join(" ".join(lines).split())
    return text.replace(" IF NOT EXISTS", "").replace("( ", "(").replace(" )", ")")


def shape(conn: sqlite3.Connection) -> dict[str, object]:
    """Return every table's columns, and every index, view and trigger as written."""
    objects = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    result: dict[str, object] = {}
    for kind, name, table, sql in objects:
        if kind == "table":
            # A migrated table's CREATE text has its added columns appended, so the
            # columns are compared, not the text.
            result[f"table {name}"] = [
                (r["name"], r["type"], r["notnull"], r["dflt_value"], r["pk"])
                for r in conn.execute(f"PRAGMA table_info('{name}')")
            ]
        else:
            # Views, indexes (UNIQUE, partial WHERE) and triggers: the statement itself,
            # so that a migration's copy of schema.sql cannot drift from it.
            result[f"{kind} {name}"] = (table, _statement(sql))
    return result


def make_v1_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO politicians (id, full_name, identity_key) "
        "VALUES (1, 'Nancy Pelosi', 'house|pelosi|nancy')"
    )
    conn.execute("INSERT INTO data_sources (id, name) VALUES ('us-house', 'US House')")
    conn.execute(
        "INSERT INTO filings (id, source_id, doc_id, politician_id, parse_status) "
        "VALUES (1, 'us-house', '20022260', 1, 'parsed')"
    )
    conn.execute(
        "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
        "asset_name, transaction_type) VALUES (1, 1, 1, 'Apple Inc.', 'sale_full')"
    )
    conn.commit()
    conn.close()


def test_it_brings_a_version_1_database_to_the_shape_of_a_new_one(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.db"
    make_v1_database(old)

    migrated = db.connect(old)
    fresh = db.connect(tmp_path / "fresh.db")

    assert db.user_version(migrated) == db.schema_version()
    assert shape(migrated) == shape(fresh)


def test_it_keeps_the_rows_of_a_migrated_database(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_v1_database(old)

    conn = db.connect(old)

    row = conn.execute(
        "SELECT p.full_name, f.doc_id, d.asset_name FROM trading_disclosures d "
        "JOIN filings f ON f.id = d.filing_id JOIN politicians p ON p.id = d.politician_id"
    ).fetchone()
    assert tuple(row) == ("Nancy Pelosi", "20022260", "Apple Inc.")
    assert db.integrity_check(conn) == []


def test_it_migrates_once_when_connected_twice(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_v1_database(old)

    db.connect(old).close()
    conn = db.connect(old)

    assert db.user_version(conn) == db.schema_version()
    assert conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0] == 1
