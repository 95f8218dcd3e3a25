"""Politicians as one person: finding one by id or name, and merging two identities.

Identity matching (``ptt.names``) joins most spellings of one person; a few stay apart
(a nickname one source uses, a maiden name, a chamber change). :func:`merge_politicians`
joins them by hand: the duplicate's filings and rows move to the kept politician, the
duplicate's identity key, aliases and external ids become aliases of the kept one, and
the duplicate's row stays, with ``merged_into_id`` set, so that a document naming it
later still finds the kept politician. Nothing but the duplicate identity is retired,
and the action log keeps what moved, so the merge can be undone by hand.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from ptt import clock
from ptt.actions import log_action
from ptt.db import transaction
from ptt.errors import UsageError
from ptt.names import EXTERNAL_ID_COLUMNS, fold

ACTION_MERGE = "politicians_merged"
MERGE_SOURCE = "merge"


@dataclass
class MergeResult:
    """What merging one politician into another moved."""

    kept_id: int
    kept_name: str
    merged_id: int
    merged_name: str
    filings_moved: int = 0
    disclosures_moved: int = 0
    aliases_added: int = 0
    # Politicians merged into the duplicate earlier, now pointing at the kept one.
    earlier_merges: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-able dict."""
        return asdict(self)


def find_politician_by_reference(conn: sqlite3.Connection, reference: str) -> int:
    """Return the id of the politician an id or an unambiguous name refers to."""
    text = reference.strip()
    if not text:
        raise UsageError("name a politician by id or by name")

    if text.isdigit():
        row = conn.execute("SELECT id FROM politicians WHERE id = ?", (int(text),))
        found = row.fetchone()
        if found is None:
            raise UsageError(f"no politician has id {text}")
        return int(found[0])

    wanted = fold(text)
    matches = sorted(
        {
            int(row["id"])
            for row in conn.execute(
                "SELECT id, full_name FROM politicians WHERE merged_into_id IS NULL"
            )
            if fold(row["full_name"]) == wanted
        }
        | {
            int(row["politician_id"])
            for row in conn.execute(
                "SELECT a.politician_id, a.alias_name FROM politician_aliases a "
                "JOIN politicians p ON p.id = a.politician_id "
                "WHERE p.merged_into_id IS NULL AND a.alias_name IS NOT NULL"
            )
            if fold(row["alias_name"]) == wanted
        }
    )
    if not matches:
        raise UsageError(
            f"no politician is named '{text}'; see `ptt politicians` for names and ids"
        )
    if len(matches) > 1:
        ids = ", ".join(str(i) for i in matches)
        raise UsageError(
            f"'{text}' names {len(matches)} politicians (ids {ids}); give an id"
        )
    return matches[0]


def _politician(conn: sqlite3.Connection, politician_id: int) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM politicians WHERE id = ?", (politician_id,)
    ).fetchone()
    if row is None:
        raise UsageError(f"no politician has id {politician_id}")
    return row


def _check_mergeable(kept: sqlite3.Row, merged: sqlite3.Row) -> None:
    if kept["id"] == merged["id"]:
        raise UsageError(f"politician {kept['id']} cannot be merged into itself")
    for row in (kept, merged):
        if row["merged_into_id"] is not None:
            raise UsageError(
                f"politician {row['id']} ({row['full_name']}) was already merged into "
                f"{row['merged_into_id']}; merge with that one instead"
            )

    clashing = [
        column
        for column in EXTERNAL_ID_COLUMNS
        if kept[column] is not None
        and merged[column] is not None
        and kept[column] != merged[column]
    ]
    if clashing:
        column = clashing[0]
        raise UsageError(
            f"politicians {kept['id']} and {merged['id']} have different {column} "
            f"({kept[column]} and {merged[column]}): they are two people"
        )


def _merged_aliases(
    conn: sqlite3.Connection, merged: sqlite3.Row
) -> list[tuple[str, str | None]]:
    """Return the keys that name the duplicate, with the name each stands for."""
    keys: list[tuple[str, str | None]] = [(merged["identity_key"], merged["full_name"])]
    keys += [
        (str(row["alias_key"]), row["alias_name"])
        for row in conn.execute(
            "SELECT alias_key, alias_name FROM politician_aliases "
            "WHERE politician_id = ? ORDER BY alias_key",
            (merged["id"],),
        )
    ]
    # External ids stay on the duplicate (they are unique columns) and resolve through
    # merged_into_id; the aliases record them beside the kept politician too.
    keys += [
        (f"{column}={merged[column]}", merged["full_name"])
        for column in EXTERNAL_ID_COLUMNS
        if merged[column] is not None
    ]
    return keys


def _ids(conn: sqlite3.Connection, table: str, column: str, value: int) -> list[int]:
    """Return the ids of a table's rows whose column holds the value, in order."""
    return [
        int(row[0])
        for row in conn.execute(
            f"SELECT id FROM {table} WHERE {column} = ? ORDER BY id", (value,)
        )
    ]


def _move(
    conn: sqlite3.Connection, table: str, merged_id: int, kept_id: int, now: str
) -> list[int]:
    """Give a table's rows of the merged politician to the kept one; return their ids."""
    moved = _ids(conn, table, "politician_id", merged_id)
    conn.execute(
        f"UPDATE {table} SET politician_id = ?, updated_at = ? WHERE politician_id = ?",
        (kept_id, now, merged_id),
    )
    return moved


def merge_politicians(
    conn: sqlite3.Connection, kept_id: int, merged_id: int
) -> MergeResult:
    """Merge politician ``merged_id`` into ``kept_id`` and return what moved."""
    with transaction(conn):
        kept = _politician(conn, kept_id)
        merged = _politician(conn, merged_id)
        _check_mergeable(kept, merged)

        now = clock.now_text()
        filing_ids = _move(conn, "filings", merged_id, kept_id, now)
        disclosure_ids = _move(conn, "trading_disclosures", merged_id, kept_id, now)

        aliases = _merged_aliases(conn, merged)
        added = 0
        for key, name in aliases:
            cursor = conn.execute(
                "INSERT INTO politician_aliases "
                "(alias_key, politician_id, alias_name, source_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (alias_key) DO UPDATE SET politician_id = excluded.politician_id "
                "WHERE politician_id != excluded.politician_id",
                (key, kept_id, name, MERGE_SOURCE),
            )
            added += cursor.rowcount
        earlier = _ids(conn, "politicians", "merged_into_id", merged_id)
        conn.execute(
            "UPDATE politicians SET merged_into_id = ?, updated_at = ? "
            "WHERE merged_into_id = ? OR id = ?",
            (kept_id, now, merged_id, merged_id),
        )

        result = MergeResult(
            kept_id=kept_id,
            kept_name=str(kept["full_name"]),
            merged_id=merged_id,
            merged_name=str(merged["full_name"]),
            filings_moved=len(filing_ids),
            disclosures_moved=len(disclosure_ids),
            aliases_added=added,
            earlier_merges=earlier,
        )
        # What the merge moved, so that it can be undone by hand.
        log_action(
            conn,
            ACTION_MERGE,
            target=f"{merged_id} -> {kept_id}",
            details={
                **result.as_dict(),
                "merged_politician": dict(merged),
                "filing_ids": filing_ids,
                "disclosure_ids": disclosure_ids,
                "alias_keys": [key for key, _ in aliases],
            },
            result=(
                f"Merged {merged['full_name']} ({merged_id}) into {kept['full_name']} "
                f"({kept_id}): {len(filing_ids)} filing(s), {len(disclosure_ids)} "
                "row(s) moved"
            ),
        )
    return result
