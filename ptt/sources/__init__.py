"""The registry of sources: their ids, the groups that name several, and ``all``.

A source is registered by id with the module and class that implement it, and imported
only when used, so that listing sources costs nothing. ``us-congress`` names the House
and the Senate; ``all`` names every active source (``data_sources.is_active``).
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ptt.errors import UsageError

if TYPE_CHECKING:
    from ptt.sources.base import Source

# Source id -> "module:Class".
SOURCES: dict[str, str] = {
    "us-house": "ptt.sources.us_house:UsHouseSource",
    "us-senate": "ptt.sources.us_senate:UsSenateSource",
}
SOURCE_GROUPS: dict[str, list[str]] = {"us-congress": ["us-house", "us-senate"]}
ALL = "all"


def register_source(source_id: str, target: str) -> None:
    """Register a source id as implemented by ``"module:Class"``."""
    SOURCES[source_id] = target


def known_sources() -> list[str]:
    """Return every registered source id."""
    return list(SOURCES)


def _known_names() -> str:
    return ", ".join([*SOURCES, *SOURCE_GROUPS, ALL])


def get_source(source_id: str) -> Source:
    """Return the source registered under ``source_id``."""
    target = SOURCES.get(source_id)
    if target is None:
        raise UsageError(f"unknown source '{source_id}' (known: {_known_names()})")

    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    source: Source = getattr(module, class_name)()
    return source


def _active(conn: sqlite3.Connection | None) -> list[str]:
    if conn is None:
        return known_sources()

    inactive = {
        str(row[0])
        for row in conn.execute("SELECT id FROM data_sources WHERE is_active = 0")
    }
    return [source_id for source_id in SOURCES if source_id not in inactive]


def expand_sources(
    names: Sequence[str], conn: sqlite3.Connection | None = None
) -> list[str]:
    """Return source ids for names, groups and "all" (the active ones when conn is given)."""
    if not names:
        raise UsageError(f"name at least one source (known: {_known_names()})")

    expanded: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if name == ALL:
            expanded += _active(conn)
        elif name in SOURCE_GROUPS:
            expanded += SOURCE_GROUPS[name]
        elif name in SOURCES:
            expanded.append(name)
        else:
            raise UsageError(f"unknown source '{raw}' (known: {_known_names()})")
    return list(dict.fromkeys(expanded))
