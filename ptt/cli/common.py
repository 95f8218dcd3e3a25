"""What every command shares: the settings, the database, the output options."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Annotated

import typer

from ptt.config import Settings

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Output format: table, json, ndjson or csv (default: table on a "
        "terminal, csv otherwise).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]


@dataclass
class CliState:
    """The global options of one invocation."""

    settings: Settings
    verbosity: int = 0


_state: CliState | None = None


def set_state(value: CliState) -> None:
    """Record the global options of this invocation."""
    global _state
    _state = value


def state() -> CliState:
    """Return the global options of the running command."""
    global _state
    if _state is None:
        from ptt.config import load_settings

        _state = CliState(load_settings())
    return _state


def settings() -> Settings:
    """Return the settings of the running command."""
    return state().settings


def open_db() -> sqlite3.Connection:
    """Return a connection to the database in use, created on first use."""
    from ptt.db import connect

    return connect(settings().db_path)
