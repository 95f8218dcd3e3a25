"""``ptt db``: where the database is, create it, check it, back it up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ptt import output
from ptt.cli.common import FormatOption, JsonOption, open_db, settings
from ptt.errors import DatabaseError

app = typer.Typer(
    rich_markup_mode=None,
    help="The database: its path, creation, health and backups.",
    no_args_is_help=True,
)


@app.command("path")
def path_command() -> None:
    """Print the path of the database in use."""
    output.write_text(str(settings().db_path))


@app.command("init")
def init_command() -> None:
    """Create the database (or bring it up to date); running it twice changes nothing."""
    from ptt.actions import log_action
    from ptt.db import connect, ensure_schema, user_version

    path = settings().db_path
    conn = connect(path, migrate=False)
    before = user_version(conn)
    version = ensure_schema(conn)
    if before == version:
        output.write_text(
            f"Database at {path} is up to date (schema version {version})"
        )
        return

    log_action(
        conn,
        "database_initialized" if before == 0 else "database_migrated",
        target=str(path),
        details={"from_version": before, "to_version": version},
    )
    output.write_text(f"Database ready at {path} (schema version {version})")


@app.command("check")
def check_command(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Run PRAGMA integrity_check and report the schema version."""
    from ptt.db import integrity_check, schema_version, user_version

    conn = open_db()
    problems = integrity_check(conn)
    report = {
        "database": str(settings().db_path),
        "schema_version": user_version(conn),
        "expected_schema_version": schema_version(),
        "integrity": "ok" if not problems else "; ".join(problems),
        "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
    }
    chosen = output.choose_format(fmt, as_json)
    if chosen == "table" or (fmt is None and not as_json):
        for key, value in report.items():
            output.write_text(f"{key}: {value}")
    else:
        output.write_detail(report, chosen)
    if problems:
        raise DatabaseError(
            f"integrity check failed for {settings().db_path}: {problems[0]}"
        )


@app.command("backup")
def backup_command(
    destination: Annotated[
        Path, typer.Argument(metavar="FILE", help="The backup file to write.")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite FILE if it exists.")
    ] = False,
) -> None:
    """Copy the database to FILE, safely while other ptt processes use it."""
    from ptt.actions import log_action
    from ptt.db import backup, user_version

    conn = open_db()
    size = backup(conn, destination, replace=replace)
    version = user_version(conn)
    log_action(
        conn,
        "database_backup",
        target=str(destination.expanduser().resolve()),
        details={"size_bytes": size, "schema_version": version},
    )
    output.write_text(
        f"Backed up {settings().db_path} to {destination} ({size:,} bytes, schema "
        f"version {version})"
    )
