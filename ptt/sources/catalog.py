"""The sources a database knows, and whether each takes part in ``--source all``.

Three kinds: ``collected`` (a source module in the registry), ``added`` (a published file
read through a mapping, see ``ptt.sources.mapped``) and ``dataset`` (a third-party file
brought in by ``ptt import``, never collected). A disabled source is left out of
``--source all``, of the groups (``us-congress``) and so of the scheduled collections
that name them; named by itself, it still runs.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ptt import clock
from ptt.actions import log_action
from ptt.collect import pull_status
from ptt.db import transaction
from ptt.errors import UsageError

COLUMNS = (
    "id",
    "kind",
    "gives",
    "active",
    "last_pull_at",
    "last_status",
    "rows",
    "filings",
    "last_error",
    "url",
    "members",
)


def _counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Return each source's filings and stored rows."""
    filings = {
        str(row[0]): int(row[1])
        for row in conn.execute(
            "SELECT source_id, COUNT(*) FROM filings GROUP BY source_id"
        )
    }
    rows = {
        str(row[0]): int(row[1])
        for row in conn.execute(
            "SELECT f.source_id, COUNT(*) FROM trading_disclosures d "
            "JOIN filings f ON f.id = d.filing_id GROUP BY f.source_id"
        )
    }
    return {key: (filings.get(key, 0), rows.get(key, 0)) for key in filings}


def list_sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Return every source: collected, added and imported, with its last pull."""
    from ptt.sources import SOURCES, get_source, known_sources

    stored = {str(row["id"]): row for row in conn.execute("SELECT * FROM data_sources")}
    counts = _counts(conn)
    collected = known_sources(conn)
    records = []
    for source_id in [*collected, *sorted(set(stored) - set(collected))]:
        row = stored.get(source_id)
        if source_id in collected and row is None:
            source = get_source(source_id)
            gives, url, active = source.gives, source.url, True
        else:
            assert row is not None
            gives, url, active = row["gives"], row["url"], bool(row["is_active"])
        kind = "collected" if source_id in SOURCES else "added"
        if source_id not in collected:
            kind = "dataset"
        filings, rows = counts.get(source_id, (0, 0))
        records.append(
            {
                "id": source_id,
                "kind": kind,
                "gives": gives,
                # A dataset is never collected, so it is neither on nor off.
                "active": None if kind == "dataset" else ("yes" if active else "no"),
                "last_pull_at": row["last_pull_at"] if row else None,
                # A pull whose process died shows as interrupted, not running.
                "last_status": pull_status(row) if row else None,
                "rows": rows,
                "filings": filings,
                "last_error": row["last_error"] if row else None,
                "url": url,
                "members": None,
            }
        )
    return records + _groups(conn, records)


def _groups(
    conn: sqlite3.Connection, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return one record per group, naming the active sources it collects."""
    from ptt.sources import SOURCE_GROUPS, expand_sources

    by_id = {r["id"]: r for r in records}
    groups = []
    for name, listed in SOURCE_GROUPS.items():
        members = expand_sources([name], conn)
        gives = sorted({by_id[m]["gives"] for m in listed + members if m in by_id})
        groups.append(
            {
                "id": name,
                "kind": "group",
                "gives": gives[0] if len(gives) == 1 else "trades and holdings",
                "active": None,
                "last_pull_at": None,
                "last_status": None,
                "rows": sum(by_id[m]["rows"] for m in members if m in by_id),
                "filings": sum(by_id[m]["filings"] for m in members if m in by_id),
                "last_error": None,
                "url": None,
                "members": ", ".join(members),
            }
        )
    return groups


def set_active(conn: sqlite3.Connection, name: str, active: bool) -> bool:
    """Enable or disable a source for ``--source all``; return whether it changed."""
    from ptt.sources import SOURCE_GROUPS, get_source, known_sources
    from ptt.store import ensure_data_source

    source_id = name.strip().lower()
    collected = known_sources(conn)
    if source_id in SOURCE_GROUPS:
        members = ", ".join(SOURCE_GROUPS[source_id])
        raise UsageError(
            f"'{source_id}' is a group; name one of its sources ({members})"
        )
    if source_id not in collected:
        row = conn.execute(
            "SELECT 1 FROM data_sources WHERE id = ?", (source_id,)
        ).fetchone()
        if row is not None:
            raise UsageError(
                f"'{source_id}' is an imported dataset: it is never collected, so it "
                "cannot be enabled or disabled"
            )
        raise UsageError(f"unknown source '{name}' (known: {', '.join(collected)})")

    source = get_source(source_id)
    ensure_data_source(
        conn, source_id, name=source.name, url=source.url, gives=source.gives
    )
    word = "enabled" if active else "disabled"
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE data_sources SET is_active = ?, updated_at = ? "
            "WHERE id = ? AND is_active != ?",
            (int(active), clock.now_text(), source_id, int(active)),
        )
        changed = cursor.rowcount > 0
        log_action(
            conn,
            f"source_{word}",
            target=source_id,
            details={"changed": changed},
            result=(
                f"{source_id} {word}" if changed else f"{source_id} was already {word}"
            ),
        )
    return changed
