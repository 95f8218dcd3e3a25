"""Idempotent writes: politicians, filings, their rows, and the links between amendments.

:func:`store_document` writes one parsed document in one ``BEGIN IMMEDIATE``
transaction: the filer, the ``filings`` row (unique on source and document id) and the
``trading_disclosures`` rows (unique on filing and row number). Storing the same document
again changes nothing; a document that reads differently (a parser that improved, a
source that corrected a file) updates its rows in place. A row an earlier reading gave
and the new one does not is never deleted: it is marked ``withdrawn``, with the time, and
a later reading that states it again makes it active again. A document that could not be
read is still recorded, with its status and reason, and never as a report of no trades.

An amendment is linked to the filing it amends: the one it names, else the most recent
earlier report of the same politician whose rows it restates. The rows it replaces are
marked ``amended``; nothing is deleted.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ptt import clock
from ptt.db import transaction
from ptt.model import ParsedDocument, StatedPolitician, Transaction, to_jsonable
from ptt.names import alias_keys, external_ids, fold, identity_key

if TYPE_CHECKING:
    from ptt.archive import ArchivedDocument

logger = logging.getLogger(__name__)

# StatedPolitician field -> politicians column.
_POLITICIAN_COLUMNS = {
    "full_name": "full_name",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "last_name": "last_name",
    "suffix": "suffix",
    "honorific": "honorific",
    "role": "role",
    "party": "party",
    "group": "political_group",
    "state_country": "state_country",
    "district": "district",
    "chamber": "chamber",
}
# The columns a resolver may fill on a row the document gave no ticker for.
_RESOLVED_TICKER_COLUMNS = ("asset_ticker", "ticker_source", "ticker_confidence")


@dataclass
class StoreResult:
    """What storing one document changed."""

    filing_id: int
    status: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows an earlier reading of the same document gave that the new one does not:
    # marked withdrawn, never deleted.
    withdrawn: int = 0
    filing_created: bool = False
    filing_changed: bool = False
    amends_filing_id: int | None = None
    # Rows of earlier filings that this store marked as amended.
    superseded: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-able dict."""
        return asdict(self)


# --- sources -----------------------------------------------------------------------


def ensure_data_source(
    conn: sqlite3.Connection,
    source_id: str,
    *,
    name: str,
    url: str | None,
    gives: str = "trades",
) -> None:
    """Create the ``data_sources`` row of a source, or bring its description up to date."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO data_sources (id, name, url, gives) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, "
            "gives = excluded.gives, updated_at = ? "
            "WHERE name IS NOT excluded.name OR url IS NOT excluded.url "
            "OR gives IS NOT excluded.gives",
            (source_id, name, url, gives, clock.now_text()),
        )


# --- politicians -------------------------------------------------------------------


def upsert_politician(
    conn: sqlite3.Connection, stated: StatedPolitician, *, source_id: str
) -> int:
    """Return the id of the stated politician, created or completed from the document."""
    with transaction(conn):
        politician_id = find_politician(conn, stated)
        if politician_id is None:
            politician_id = _insert_politician(conn, stated)
            logger.info(
                "Recorded a new politician, %s (id %s).",
                stated.full_name,
                politician_id,
            )
        else:
            _complete_politician(conn, politician_id, stated)
        _record_aliases(conn, politician_id, stated, source_id)
    return politician_id


def find_politician(conn: sqlite3.Connection, stated: StatedPolitician) -> int | None:
    """Return the id of the known politician the document names, or None."""
    ids = external_ids(stated)
    for column, value in ids.items():
        row = conn.execute(
            f"SELECT id FROM politicians WHERE {column} = ? ORDER BY id LIMIT 1",
            (value,),
        ).fetchone()
        if row:
            return _final(conn, int(row[0]))

    for key in alias_keys(stated):
        row = (
            conn.execute(
                "SELECT id FROM politicians WHERE identity_key = ?", (key,)
            ).fetchone()
            or conn.execute(
                "SELECT politician_id FROM politician_aliases WHERE alias_key = ?",
                (key,),
            ).fetchone()
        )
        if not row:
            continue
        candidate = _final(conn, int(row[0]))
        # Two people of one name in one chamber are told apart by their ids.
        if not _ids_conflict(conn, candidate, ids):
            return candidate
    return None


def _final(conn: sqlite3.Connection, politician_id: int) -> int:
    """Return the politician a merged record now lives in."""
    seen = {politician_id}
    while True:
        row = conn.execute(
            "SELECT merged_into_id FROM politicians WHERE id = ?", (politician_id,)
        ).fetchone()
        if not row or row[0] is None or int(row[0]) in seen:
            return politician_id
        politician_id = int(row[0])
        seen.add(politician_id)


def _ids_conflict(
    conn: sqlite3.Connection, politician_id: int, ids: dict[str, str]
) -> bool:
    if not ids:
        return False

    row = conn.execute(
        "SELECT * FROM politicians WHERE id = ?", (politician_id,)
    ).fetchone()
    return any(row[c] is not None and row[c] != v for c, v in ids.items())


def _stated_values(stated: StatedPolitician) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute, column in _POLITICIAN_COLUMNS.items():
        value = getattr(stated, attribute)
        if isinstance(value, str):
            value = " ".join(value.split()) or None
        values[column] = value
    return values


def _insert_politician(conn: sqlite3.Connection, stated: StatedPolitician) -> int:
    values = _stated_values(stated)
    if not values["full_name"]:
        values["full_name"] = " ".join(
            p for p in (stated.first_name, stated.last_name) if p
        )
    ids = external_ids(stated)
    key = identity_key(stated)
    if conn.execute(
        "SELECT 1 FROM politicians WHERE identity_key = ?", (key,)
    ).fetchone():
        # The name is taken by another person with other ids: their ids tell them apart.
        key += "#" + ",".join(f"{c}={v}" for c, v in ids.items())
    values.update(ids)
    values["identity_key"] = key
    columns = list(values)
    cursor = conn.execute(
        f"INSERT INTO politicians ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})",
        [values[c] for c in columns],
    )
    return int(cursor.lastrowid or 0)


def _complete_politician(
    conn: sqlite3.Connection, politician_id: int, stated: StatedPolitician
) -> None:
    """Fill the politician's empty columns from the document; never blank a value."""
    row = conn.execute(
        "SELECT * FROM politicians WHERE id = ?", (politician_id,)
    ).fetchone()
    updates = {
        column: value
        for column, value in _stated_values(stated).items()
        # An empty name is one a document did not state (Integrity Watch gives none).
        if value is not None and row[column] in (None, "")
    }
    for column, value in external_ids(stated).items():
        if row[column] is not None:
            continue
        taken = conn.execute(
            f"SELECT 1 FROM politicians WHERE {column} = ? AND id != ?",
            (value, politician_id),
        ).fetchone()
        if not taken:
            updates[column] = value
    if not updates:
        return

    assignments = ", ".join(f"{column} = ?" for column in updates)
    conn.execute(
        f"UPDATE politicians SET {assignments}, updated_at = ? WHERE id = ?",
        [*updates.values(), clock.now_text(), politician_id],
    )


def _record_aliases(
    conn: sqlite3.Connection,
    politician_id: int,
    stated: StatedPolitician,
    source_id: str,
) -> None:
    own = conn.execute(
        "SELECT identity_key FROM politicians WHERE id = ?", (politician_id,)
    ).fetchone()[0]
    for key in alias_keys(stated):
        if key == own:
            continue
        # A key that is another person's identity is theirs, not an alias of this one.
        if conn.execute(
            "SELECT 1 FROM politicians WHERE identity_key = ? AND id != ?",
            (key, politician_id),
        ).fetchone():
            continue
        conn.execute(
            "INSERT OR IGNORE INTO politician_aliases "
            "(alias_key, politician_id, alias_name, source_id) VALUES (?, ?, ?, ?)",
            (key, politician_id, stated.full_name, source_id),
        )


def add_politician_names(
    conn: sqlite3.Connection,
    politician_id: int,
    stated: StatedPolitician,
    *,
    source_id: str,
) -> None:
    """Record another spelling of a known politician and fill their empty columns."""
    with transaction(conn):
        _complete_politician(conn, politician_id, stated)
        _record_aliases(conn, politician_id, stated, source_id)


# --- documents ---------------------------------------------------------------------


def store_document(
    conn: sqlite3.Connection,
    parsed: ParsedDocument,
    *,
    source_id: str,
    url: str | None,
    archived: ArchivedDocument | None,
    index_entry: dict[str, Any] | None = None,
    politician: StatedPolitician | None = None,
) -> StoreResult:
    """Write a parsed document, its filer and its rows in one transaction.

    ``archived`` is the ``ArchivedDocument`` the bytes were kept as (None when the
    document could not be fetched); ``index_entry`` is the index or search row that
    listed it; ``politician`` is the filer as that listing names them, preferred to the
    document's own spelling, which is recorded as an alias.
    """
    with transaction(conn):
        politician_id = _document_politician(conn, parsed, politician, source_id)
        status, error = parsed.parse_status, parsed.parse_error
        if status == "parsed" and politician_id is None and parsed.transactions:
            status = "failed"
            error = (
                f"the document names no politician, so its {len(parsed.transactions)} "
                "row(s) cannot be attributed to anyone"
            )

        values = _filing_values(
            parsed, status, error, politician_id, url, archived, index_entry
        )
        filing_id, created, changed = _write_filing(conn, source_id, parsed, values)
        result = StoreResult(
            filing_id=filing_id,
            status=status,
            filing_created=created,
            filing_changed=changed,
        )
        if status == "parsed" and politician_id is not None:
            _write_rows(conn, parsed, filing_id, politician_id, values, result)
        if politician_id is not None:
            result.superseded = link_amendments(conn, source_id, politician_id)
        row = conn.execute(
            "SELECT amends_filing_id FROM filings WHERE id = ?", (filing_id,)
        ).fetchone()
        result.amends_filing_id = row[0]

    logger.info(
        "Stored %s document %s (%s): %d new, %d updated, %d unchanged, "
        "%d withdrawn row(s).",
        source_id,
        parsed.doc_id,
        status,
        result.new,
        result.updated,
        result.unchanged,
        result.withdrawn,
    )
    return result


def _document_politician(
    conn: sqlite3.Connection,
    parsed: ParsedDocument,
    listed: StatedPolitician | None,
    source_id: str,
) -> int | None:
    stated = [p for p in (listed, parsed.politician) if p is not None]
    if not stated:
        return None

    politician_id = upsert_politician(conn, stated[0], source_id=source_id)
    for other in stated[1:]:
        found = find_politician(conn, other)
        # The document's own spelling joins the listed filer unless it is someone else.
        if found is None or found == politician_id:
            add_politician_names(conn, politician_id, other, source_id=source_id)
    return politician_id


def _json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)


def _filing_values(
    parsed: ParsedDocument,
    status: str,
    error: str | None,
    politician_id: int | None,
    url: str | None,
    archived: ArchivedDocument | None,
    index_entry: dict[str, Any] | None,
) -> dict[str, Any]:
    year = (index_entry or {}).get("year")
    if not isinstance(year, int):
        year = parsed.filing_date.year if parsed.filing_date else None
    values: dict[str, Any] = {
        "politician_id": politician_id,
        "filing_type": parsed.filing_type,
        "filing_date": parsed.filing_date.isoformat() if parsed.filing_date else None,
        "year": year,
        "url": url or parsed.url,
        "parse_status": status,
        "parse_error": error,
        # Only a document that was read states how many trades it lists.
        "transaction_count": len(parsed.transactions) if status == "parsed" else None,
        "is_amendment": int(parsed.is_amendment),
        "amends_doc_id": parsed.amends_doc_id,
        "page_image_urls": _json(parsed.page_image_urls),
        "index_entry": _json(index_entry),
        "origin": parsed.origin,
    }
    if archived is not None:
        values.update(
            archive_path=archived.relative_path,
            fetched_at=archived.fetched_at,
            sha256=archived.sha256,
            size_bytes=archived.size_bytes,
        )
    return values


def _write_filing(
    conn: sqlite3.Connection,
    source_id: str,
    parsed: ParsedDocument,
    values: dict[str, Any],
) -> tuple[int, bool, bool]:
    """Insert or update the filing; return its id, whether created, whether changed."""
    existing = conn.execute(
        "SELECT * FROM filings WHERE source_id = ? AND doc_id = ?",
        (source_id, parsed.doc_id),
    ).fetchone()
    now = clock.now_text()
    if existing is None:
        columns = ["source_id", "doc_id", *values, "parsed_at"]
        cursor = conn.execute(
            f"INSERT INTO filings ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [source_id, parsed.doc_id, *values.values(), now],
        )
        return int(cursor.lastrowid or 0), True, False

    # A value the listing or the document stated before is never blanked by a later
    # reading that lacks it (a fetch that failed, a listing without the filer).
    changes = {
        column: value
        for column, value in values.items()
        if existing[column] != value
        and not (value is None and column in ("politician_id", "filing_date", "year"))
    }
    if not changes:
        return int(existing["id"]), False, False

    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE filings SET {assignments}, parsed_at = ?, updated_at = ? WHERE id = ?",
        [*changes.values(), now, now, existing["id"]],
    )
    logger.debug(
        "Filing %s %s changed: %s.", source_id, parsed.doc_id, ", ".join(changes)
    )
    return int(existing["id"]), False, True


def _row_values(
    transaction_: Transaction,
    *,
    politician_id: int,
    disclosure_date: str | None,
    source_url: str | None,
) -> dict[str, Any]:
    t = transaction_
    return {
        "politician_id": politician_id,
        "transaction_date": t.transaction_date.isoformat()
        if t.transaction_date
        else None,
        "notification_date": t.notification_date.isoformat()
        if t.notification_date
        else None,
        "disclosure_date": disclosure_date,
        "owner": t.owner,
        "asset_name": t.asset_name,
        "asset_ticker": t.asset_ticker,
        "ticker_source": t.ticker_source,
        "ticker_confidence": t.ticker_confidence,
        "asset_cusip": t.asset_cusip,
        "asset_isin": t.asset_isin,
        "asset_type": t.asset_type,
        "asset_type_code": t.asset_type_code,
        "transaction_type": t.transaction_type,
        "amount_range_min": t.amount_range_min,
        "amount_range_max": t.amount_range_max,
        "amount_text": t.amount_text,
        "cap_gains_over_200": None
        if t.cap_gains_over_200 is None
        else int(t.cap_gains_over_200),
        "filing_status": t.filing_status,
        "subholding_of": t.subholding_of,
        "location": t.location,
        "description": t.description,
        "comment": t.comment,
        "option_type": t.option_type,
        "option_strike": t.option_strike,
        "option_expiry": t.option_expiry.isoformat() if t.option_expiry else None,
        "option_underlying": t.option_underlying,
        "category": t.category,
        "origin": t.origin,
        "source_url": source_url,
        "raw": json.dumps(to_jsonable(t.raw), sort_keys=True, ensure_ascii=False)
        if t.raw
        else None,
    }


def _write_rows(
    conn: sqlite3.Connection,
    parsed: ParsedDocument,
    filing_id: int,
    politician_id: int,
    filing: dict[str, Any],
    result: StoreResult,
) -> None:
    existing = {
        int(row["row_number"]): row
        for row in conn.execute(
            "SELECT * FROM trading_disclosures WHERE filing_id = ?", (filing_id,)
        )
    }
    now = clock.now_text()
    stated_rows: set[int] = set()
    for transaction_ in parsed.transactions:
        stated_rows.add(transaction_.row)
        values = _row_values(
            transaction_,
            politician_id=politician_id,
            disclosure_date=filing["filing_date"],
            source_url=filing["url"],
        )
        old = existing.get(transaction_.row)
        if old is None:
            columns = ["filing_id", "row_number", *values]
            conn.execute(
                f"INSERT INTO trading_disclosures ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [filing_id, transaction_.row, *values.values()],
            )
            result.new += 1
            continue

        if values["asset_ticker"] is None and old["ticker_source"] not in (
            None,
            "document",
        ):
            # The document states no ticker; the resolver's answer stays.
            for column in _RESOLVED_TICKER_COLUMNS:
                values.pop(column)
        changes = {c: v for c, v in values.items() if old[c] != v}
        if old["status"] == "withdrawn":
            # The document states the row again: it is part of the picture again.
            changes.update(status="active", withdrawn_at=None)
            logger.info(
                "Document %s states row %d again; it is active again.",
                parsed.doc_id,
                transaction_.row,
            )
        if not changes:
            result.unchanged += 1
            continue
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(
            f"UPDATE trading_disclosures SET {assignments}, updated_at = ? "
            "WHERE id = ?",
            [*changes.values(), now, old["id"]],
        )
        result.updated += 1

    # Rows an earlier reading of this same document produced and this one does not
    # (a parser that improved, a corrected document) stay, withdrawn: nothing stored
    # is deleted. A trigger gives their duplicates back their place.
    gone = sorted(
        number
        for number in set(existing) - stated_rows
        if existing[number]["status"] != "withdrawn"
    )
    if gone:
        conn.executemany(
            "UPDATE trading_disclosures SET status = 'withdrawn', withdrawn_at = ?, "
            "updated_at = ? WHERE filing_id = ? AND row_number = ?",
            [(now, now, filing_id, number) for number in gone],
        )
        result.withdrawn = len(gone)
        logger.warning(
            "Document %s no longer reads as having row(s) %s; they are kept, "
            "withdrawn.",
            parsed.doc_id,
            ", ".join(str(n) for n in gone),
        )


# --- amendments --------------------------------------------------------------------


def _row_key(row: sqlite3.Row) -> tuple[Any, ...]:
    asset = row["asset_ticker"] or fold(row["asset_name"] or "")
    return (row["transaction_date"], asset, row["transaction_type"])


def link_amendments(
    conn: sqlite3.Connection, source_id: str, politician_id: int
) -> int:
    """Link a politician's amendments to the filings they amend; return rows marked."""
    marked = 0
    amendments = conn.execute(
        "SELECT * FROM filings WHERE source_id = ? AND politician_id = ? "
        "AND is_amendment = 1 ORDER BY filing_date, id",
        (source_id, politician_id),
    ).fetchall()
    for amendment in amendments:
        target, explicit = _amended_filing(conn, amendment)
        if target is None:
            continue
        if amendment["amends_filing_id"] != target:
            conn.execute(
                "UPDATE filings SET amends_filing_id = ?, updated_at = ? WHERE id = ?",
                (target, clock.now_text(), amendment["id"]),
            )
            logger.info("Filing %s amends filing %s.", amendment["doc_id"], target)
        marked += _mark_superseded(conn, amendment["id"], target, explicit)
    return marked


def _amended_filing(
    conn: sqlite3.Connection, amendment: sqlite3.Row
) -> tuple[int | None, bool]:
    """Return the filing an amendment amends and whether the amendment names it."""
    if amendment["amends_doc_id"]:
        row = conn.execute(
            "SELECT id FROM filings WHERE source_id = ? AND doc_id = ? AND id != ?",
            (amendment["source_id"], amendment["amends_doc_id"], amendment["id"]),
        ).fetchone()
        return (int(row[0]), True) if row else (None, True)

    restated = _keys_of(conn, amendment["id"])
    if not restated or amendment["filing_date"] is None:
        return None, False

    # Earlier reports of the same politician, newest first; one filed the same day
    # counts only when it is not itself an amendment.
    candidates = conn.execute(
        "SELECT id FROM filings WHERE source_id = ? AND politician_id = ? AND id != ? "
        "AND parse_status = 'parsed' AND filing_date IS NOT NULL "
        "AND (filing_date < ? OR (filing_date = ? AND is_amendment = 0)) "
        "AND (amends_filing_id IS NULL OR amends_filing_id != ?) "
        "ORDER BY filing_date DESC, id DESC",
        (
            amendment["source_id"],
            amendment["politician_id"],
            amendment["id"],
            amendment["filing_date"],
            amendment["filing_date"],
            amendment["id"],
        ),
    ).fetchall()
    for candidate in candidates:
        keys = _keys_of(conn, int(candidate[0]))
        # The amendment restates the report when it repeats at least half its rows.
        if keys and 2 * len(keys & restated) >= len(keys):
            return int(candidate[0]), False
    return None, False


def _keys_of(conn: sqlite3.Connection, filing_id: int) -> set[tuple[Any, ...]]:
    return {
        _row_key(row)
        for row in conn.execute(
            "SELECT * FROM trading_disclosures WHERE filing_id = ? "
            "AND status != 'withdrawn'",
            (filing_id,),
        )
    }


def _mark_superseded(
    conn: sqlite3.Connection, amendment_id: int, target_id: int, explicit: bool
) -> int:
    restated = _keys_of(conn, amendment_id)
    now = clock.now_text()
    marked = 0
    rows = conn.execute(
        "SELECT * FROM trading_disclosures WHERE filing_id = ? AND status = 'active'",
        (target_id,),
    ).fetchall()
    for row in rows:
        # An amendment that names the report replaces all of it; an inferred one
        # replaces only the rows it restates.
        if not explicit and _row_key(row) not in restated:
            continue
        conn.execute(
            "UPDATE trading_disclosures SET status = 'amended', "
            "amended_by_filing_id = ?, updated_at = ? WHERE id = ?",
            (amendment_id, now, row["id"]),
        )
        marked += 1
    return marked
