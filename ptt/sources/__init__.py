"""The registry of sources: their ids, the groups that name several, and ``all``.

A source is registered by id with the module and class that implement it, and imported
only when used, so that listing sources costs nothing. ``us-congress`` names the House
and the Senate; ``us-states`` names California and every source added with a mapping
file (``ptt sources add-mapped``, kept in ``data_sources.mapping``); ``all`` names every
active source (``data_sources.is_active``). A disabled source leaves ``all`` and the
groups; named by itself, it still runs.
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
    # Holdings and declared interests, never trades.
    "uk-parliament": "ptt.sources.uk_parliament:UkParliamentSource",
    "eu-parliament": "ptt.sources.eu_parliament:EuParliamentSource",
    "california": "ptt.sources.california:CaliforniaSource",
}
SOURCE_GROUPS: dict[str, list[str]] = {"us-congress": ["us-house", "us-senate"]}
ALL = "all"
# Sources added with ``ptt sources add-mapped``: they live in ``data_sources.mapping``
# and are loaded from the database that names them (``load_added_sources``).
ADDED_SOURCES: dict[str, Source] = {}
# US states and cities: California's Form 700 CSV, and every source added with a
# mapping file (a state's or a city's published dataset), which joins it when loaded.
STATES_GROUP = "us-states"
SOURCE_GROUPS[STATES_GROUP] = ["california"]


def register_source(source_id: str, target: str) -> None:
    """Register a source id as implemented by ``"module:Class"``."""
    SOURCES[source_id] = target


def known_sources(conn: sqlite3.Connection | None = None) -> list[str]:
    """Return every registered source id (and the added ones when conn is given)."""
    if conn is None:
        return list(SOURCES)
    return [*SOURCES, *load_added_sources(conn)]


def load_added_sources(conn: sqlite3.Connection) -> list[str]:
    """Load the sources added with a mapping file from the database; return their ids."""
    from ptt.sources.mapped import load_mapped_sources

    added = load_mapped_sources(conn)
    ADDED_SOURCES.update(added)
    return list(added)


def _known_names(added: Sequence[str] = ()) -> str:
    return ", ".join([*SOURCES, *added, *SOURCE_GROUPS, ALL])


def get_source(source_id: str) -> Source:
    """Return the source registered under ``source_id``."""
    if source_id in ADDED_SOURCES:
        return ADDED_SOURCES[source_id]
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

    inactive = _inactive(conn)
    return [s for s in known_sources(conn) if s not in inactive]


def _inactive(conn: sqlite3.Connection | None) -> set[str]:
    if conn is None:
        return set()
    return {
        str(row[0])
        for row in conn.execute("SELECT id FROM data_sources WHERE is_active = 0")
    }


def expand_sources(
    names: Sequence[str], conn: sqlite3.Connection | None = None
) -> list[str]:
    """Return source ids for names, groups and "all" (the active ones when conn is given)."""
    if not names:
        raise UsageError(f"name at least one source (known: {_known_names()})")

    added = load_added_sources(conn) if conn is not None else []
    expanded: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if name == ALL:
            expanded += _active(conn)
        elif name in SOURCE_GROUPS:
            # A disabled source leaves its groups too; named alone, it still runs.
            inactive = _inactive(conn)
            members = SOURCE_GROUPS[name] + (added if name == STATES_GROUP else [])
            expanded += [s for s in members if s not in inactive]
        elif name in SOURCES or name in added:
            expanded.append(name)
        else:
            raise UsageError(f"unknown source '{raw}' (known: {_known_names(added)})")
    return list(dict.fromkeys(expanded))
