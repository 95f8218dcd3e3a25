"""Connections to the ptt database, transactions and schema migrations.

Every connection uses WAL (readers never block the writer), a generous busy timeout and
foreign keys. Every read-then-write goes through :func:`transaction`, which starts with
``BEGIN IMMEDIATE`` so that two processes never both read, then both try to write.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ptt.errors import DatabaseError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
_SCHEMA_FILE = Path(__file__).with_name("schema.sql")
_VERSION_LINE = re.compile(r"^-- schema-version: (\d+)\s*$", re.MULTILINE)


def schema_sql() -> str:
    """Return the text of schema.sql as shipped in the package."""
    return _SCHEMA_FILE.read_text(encoding="utf-8")


@functools.cache
def schema_version() -> int:
    """Return the schema version that schema.sql declares (read once per process)."""
    match = _VERSION_LINE.search(schema_sql())
    if not match:
        raise DatabaseError("schema.sql declares no '-- schema-version: N' line")
    return int(match.group(1))


def split_statements(script: str) -> list[str]:
    """Return the SQL statements of a script, each complete."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip()
        for part in buffer.splitlines()
    ):
        raise DatabaseError("schema script ends with an incomplete statement")
    return statements


def connect(path: str | Path, *, migrate: bool = True) -> sqlite3.Connection:
    """Return a connection to the database at ``path``, created and migrated if needed."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"cannot open the database at {path}: {exc}") from exc

    if migrate:
        ensure_schema(conn)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction (a savepoint when nested)."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return

    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def user_version(conn: sqlite3.Connection) -> int:
    """Return the database's schema version (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def ensure_schema(conn: sqlite3.Connection) -> int:
    """Create or migrate the schema to the version of schema.sql; return that version."""
    latest = schema_version()
    if user_version(conn) == latest:
        return latest

    from ptt.migrations import MIGRATIONS

    try:
        with transaction(conn):
            # Another process may have migrated while this one waited for the lock.
            current = user_version(conn)
            if current > latest:
                raise DatabaseError(
                    f"the database is at schema version {current}, newer than this "
                    f"ptt knows ({latest}): upgrade ptt"
                )
            if current == 0 and not _has_tables(conn):
                for statement in split_statements(schema_sql()):
                    conn.execute(statement)
                log.info("Created the database schema at version %s.", latest)
            else:
                for version in range(current + 1, latest + 1):
                    for statement in split_statements(MIGRATIONS[version]):
                        conn.execute(statement)
                    log.info("Migrated the database to schema version %s.", version)
            conn.execute(f"PRAGMA user_version = {latest}")
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot create or migrate the schema: {exc}") from exc
    return latest


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return bool(row[0])


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """Return the problems PRAGMA integrity_check and foreign_key_check report."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if problems == ["ok"]:
        problems = []
    problems += [
        f"foreign key: {row[0]} row {row[1]} points at a missing {row[2]}"
        for row in conn.execute("PRAGMA foreign_key_check")
    ]
    return problems


def backup(
    conn: sqlite3.Connection, destination: Path, *, replace: bool = False
) -> int:
    """Copy the database to ``destination`` as one self-contained file; return its size.

    SQLite's online backup reads one consistent snapshot, so writers in other processes
    go on meanwhile (WAL). The copy is written beside the destination, checked, and only
    then renamed over it: a failed backup never leaves a half-written file in its place.
    """
    from ptt.errors import UsageError

    source = Path(conn.execute("PRAGMA database_list").fetchone()[2]).resolve()
    destination = destination.expanduser()
    if destination.resolve() == source:
        raise UsageError(f"{destination} is the database itself; name another file")
    if destination.is_dir():
        raise UsageError(f"{destination} is a folder; name the backup file")
    if destination.exists() and not replace:
        raise UsageError(f"{destination} exists; add --replace to overwrite it")

    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(copy)
            # One file that any SQLite client opens, with no -wal beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
        finally:
            copy.close()
        if problems != ["ok"]:
            raise DatabaseError(f"the copy failed its check: {problems[0]}")
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        raise DatabaseError(f"the backup to {destination} failed: {exc}") from exc
    except BaseException:
        _remove(partial)
        raise
    return destination.stat().st_size


def _remove(path: Path) -> None:
    # Whatever made the backup fail (a file where a folder should be) may stop this too.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
