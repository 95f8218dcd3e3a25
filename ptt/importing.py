"""Importing third-party datasets: history the official sources no longer serve easily.

Earlier trackers published copies of the disclosures (Senate Stock Watcher, 2012-2020);
their mirrors are going offline and users keep copies. :func:`import_dataset` reads such
a file with the same readers the collectors use (which clean the datasets' known
defects: HTML in descriptions, ``--`` tickers, impossible years, wrapped amounts), and
stores each report as a filing of the dataset's own data source
(``senate-stock-watcher``, or the ``source`` a mapping file names), with every row's
``origin`` naming the dataset. The file itself is kept in the archive and named in each
filing's ``index_entry`` (with its sha256), so that every row traces back to the bytes
it came from; the row's ``source_url`` is the official report the dataset copied.

Duplicates: a row that repeats a row already stored from another source (the official
one, usually) is stored with status ``duplicate`` and ``duplicate_of_id`` pointing at
that row, so nothing the dataset says is lost and nothing is counted twice. Two rows
repeat each other when they share the politician, the transaction date, the asset (the
ticker when both state one, else the name), the type, the owner and the amount. Each
collected row is matched at most once, so two real lots of one stock on one day stay two
rows. A row without a transaction date never matches: too little is known to call it
the same. Importing again re-examines every row, so a row becomes a duplicate once the
official source has been collected, and importing the same file twice changes nothing.

House Stock Watcher has no reader: its layout is not documented here and no copy was
at hand to check one against, so it is imported, like any other CSV or JSON list, with
``--format csv`` and a mapping file naming its columns.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptt import clock
from ptt.actions import ActionSource, start_action
from ptt.config import Settings
from ptt.db import transaction
from ptt.errors import PttError, UsageError
from ptt.model import ParsedDocument
from ptt.names import fold

if TYPE_CHECKING:
    from ptt.archive import Archive, ArchivedDocument

logger = logging.getLogger(__name__)

ACTION_IMPORT = "data_import"
FORMATS = ("senate-stock-watcher", "csv")
SENATE_STOCK_WATCHER = "senate-stock-watcher"
DATASET_NAMES = {SENATE_STOCK_WATCHER: "Senate Stock Watcher (historical dataset)"}
# Formats people ask for that have no reader, and what to do instead.
UNSUPPORTED_FORMATS = {
    "house-stock-watcher": (
        "House Stock Watcher's layout is not documented here, so ptt has no reader "
        "for it; import its CSV or JSON with --format csv --mapping FILE naming its "
        "columns (see 'Adding a state's dataset' in the README)"
    ),
}


@dataclass
class ImportResult:
    """What importing one dataset file found and stored."""

    dataset: str
    file: str
    sha256: str
    documents: int = 0
    # Rows read from the file's readable reports.
    found: int = 0
    # Rows stored for the first time.
    new: int = 0
    # Rows that repeat a row collected from another source (status 'duplicate').
    duplicate: int = 0
    # Rows an earlier import of the same dataset already stored.
    already_imported: int = 0
    # Reports that could not be read, recorded with their reason.
    failed: int = 0
    # Scanned paper reports the dataset only links: recorded as needing OCR.
    needs_ocr: int = 0
    duration_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-able dict."""
        data = asdict(self)
        data["duration_seconds"] = round(self.duration_seconds, 3)
        return data


def _reader(
    fmt: str, mapping_text: str | None
) -> tuple[str, str | None, Callable[[bytes], list[ParsedDocument]]]:
    """Return the dataset id, its origin and the reader of a format."""
    from ptt.parsing.stock_watcher import (
        load_mapping,
        parse_mapped_csv,
        parse_senate_stock_watcher,
    )

    if fmt in UNSUPPORTED_FORMATS:
        raise UsageError(UNSUPPORTED_FORMATS[fmt])
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    if fmt == SENATE_STOCK_WATCHER:
        if mapping_text is not None:
            raise UsageError("--mapping is for --format csv only")
        return SENATE_STOCK_WATCHER, SENATE_STOCK_WATCHER, parse_senate_stock_watcher
    if mapping_text is None:
        raise UsageError("--format csv needs --mapping FILE naming the file's columns")

    mapping = load_mapping(mapping_text)
    return (
        mapping.source,
        mapping.origin or mapping.source,
        lambda data: parse_mapped_csv(data, mapping),
    )


def _check_dataset_id(conn: sqlite3.Connection, dataset: str) -> None:
    from ptt.sources import SOURCE_GROUPS, known_sources

    row = conn.execute(
        "SELECT mapping FROM data_sources WHERE id = ?", (dataset,)
    ).fetchone()
    collected = dataset in known_sources() or dataset in SOURCE_GROUPS
    if collected or (row is not None and row["mapping"] is not None):
        raise UsageError(
            f"Mapping key 'source' is '{dataset}', a collected source; an imported "
            "dataset needs an id of its own (e.g. 'state-dataset-2019')"
        )


def import_dataset(
    conn: sqlite3.Connection,
    settings: Settings,
    path: Path,
    fmt: str,
    *,
    mapping_text: str | None = None,
    action_source: ActionSource = "cli",
) -> ImportResult:
    """Import a dataset file, one transaction per report, and return the counts."""
    from ptt.archive import Archive
    from ptt.collect import record_pull_end
    from ptt.store import ensure_data_source

    dataset, origin, read = _reader(fmt, mapping_text)
    _check_dataset_id(conn, dataset)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc

    started = time.monotonic()
    started_at = clock.now_text()
    ensure_data_source(
        conn, dataset, name=DATASET_NAMES.get(dataset, dataset), url=None
    )
    action = start_action(
        conn,
        ACTION_IMPORT,
        source=action_source,
        target=dataset,
        details={"file": str(path), "format": fmt},
    )
    try:
        documents = read(data)
        if not documents:
            raise UsageError(f"{path} holds no reports to import")
        archived = _archive_file(Archive(settings.documents_dir), dataset, path, data)
        result = ImportResult(dataset=dataset, file=str(path), sha256=archived.sha256)
        index_entry = {
            "dataset": dataset,
            "file": path.name,
            "archive_path": archived.relative_path,
            "sha256": archived.sha256,
        }
        for document in documents:
            _import_document(conn, document, dataset, origin, index_entry, result)
    except PttError as exc:
        action.fail(exc.message)
        record_pull_end(
            conn, dataset, started_at=started_at, error=exc.message, counts={}
        )
        raise
    except KeyboardInterrupt:
        # The reports stored so far stay; importing again finishes the file.
        error = "interrupted before the import ended"
        action.fail(error)
        record_pull_end(conn, dataset, started_at=started_at, error=error, counts={})
        raise

    result.duration_seconds = time.monotonic() - started
    record_pull_end(
        conn,
        dataset,
        started_at=started_at,
        error=None,
        counts={
            "filings_seen": result.documents,
            "records_found": result.found,
            "records_new": result.new,
            "records_failed": result.failed,
        },
    )
    action.complete(
        f"{result.found} row(s) found, {result.new} new, {result.duplicate} "
        f"duplicate, {result.already_imported} already imported, {result.failed} "
        "failed report(s)",
        result.as_dict(),
    )
    logger.info(
        "Imported %s from %s: %d row(s), %d new, %d duplicate.",
        dataset,
        path,
        result.found,
        result.new,
        result.duplicate,
    )
    return result


def _archive_file(
    archive: Archive, dataset: str, path: Path, data: bytes
) -> ArchivedDocument:
    """Return the archived copy of the file, named by its content."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower() if path.suffix[1:].isalnum() else ""
    name = f"imports/{digest[:16]}{suffix}"
    return archive.has(dataset, name) or archive.save(dataset, name, data)


def _import_document(
    conn: sqlite3.Connection,
    document: ParsedDocument,
    dataset: str,
    origin: str | None,
    index_entry: dict[str, Any],
    result: ImportResult,
) -> None:
    from ptt.store import store_document

    transactions = [
        t if t.origin else replace(t, origin=origin) for t in document.transactions
    ]
    document = replace(
        document, transactions=transactions, origin=document.origin or origin
    )
    result.documents += 1
    result.found += len(transactions)

    with transaction(conn):
        before = _row_numbers(conn, dataset, document.doc_id)
        stored = store_document(
            conn,
            document,
            source_id=dataset,
            url=document.url,
            archived=None,
            index_entry=index_entry,
        )
        duplicates = mark_duplicates(conn, stored.filing_id)

    if stored.status == "failed":
        result.failed += 1
        return
    if stored.status == "needs_ocr":
        result.needs_ocr += 1
        return
    stated = {t.row for t in transactions}
    result.duplicate += len(duplicates & stated)
    result.new += len(stated - before - duplicates)
    result.already_imported += len((stated & before) - duplicates)


def _row_numbers(conn: sqlite3.Connection, source_id: str, doc_id: str) -> set[int]:
    return {
        int(row[0])
        for row in conn.execute(
            "SELECT d.row_number FROM trading_disclosures d "
            "JOIN filings f ON f.id = d.filing_id "
            "WHERE f.source_id = ? AND f.doc_id = ?",
            (source_id, doc_id),
        )
    }


def _asset_matches(row: sqlite3.Row, other: sqlite3.Row) -> bool:
    if row["asset_ticker"] and other["asset_ticker"]:
        return bool(row["asset_ticker"] == other["asset_ticker"])
    name = fold(row["asset_name"] or "")
    return bool(name) and name == fold(other["asset_name"] or "")


def _amount_matches(row: sqlite3.Row, other: sqlite3.Row) -> bool:
    if row["amount_range_min"] is None and row["amount_range_max"] is None:
        text = fold(row["amount_text"] or "")
        return bool(text) and text == fold(other["amount_text"] or "")
    return bool(
        row["amount_range_min"] == other["amount_range_min"]
        and row["amount_range_max"] == other["amount_range_max"]
    )


def repeats(row: sqlite3.Row, other: sqlite3.Row) -> bool:
    """Return whether two stored rows state the same transaction."""
    return (
        row["politician_id"] == other["politician_id"]
        and row["transaction_date"] is not None
        and row["transaction_date"] == other["transaction_date"]
        and row["transaction_type"] == other["transaction_type"]
        and row["owner"] == other["owner"]
        and _asset_matches(row, other)
        and _amount_matches(row, other)
    )


def mark_duplicates(conn: sqlite3.Connection, filing_id: int) -> set[int]:
    """Mark the filing's rows that repeat another source's rows; return their numbers."""
    filing = conn.execute(
        "SELECT source_id FROM filings WHERE id = ?", (filing_id,)
    ).fetchone()
    rows = conn.execute(
        "SELECT * FROM trading_disclosures WHERE filing_id = ? "
        "AND status IN ('active', 'duplicate') ORDER BY row_number",
        (filing_id,),
    ).fetchall()
    if filing is None or not rows:
        return set()

    dates = sorted({r["transaction_date"] for r in rows if r["transaction_date"]})
    candidates = conn.execute(
        "SELECT d.* FROM trading_disclosures d JOIN filings f ON f.id = d.filing_id "
        "WHERE d.politician_id = ? AND f.source_id != ? AND d.status = 'active' "
        f"AND d.transaction_date IN ({', '.join('?' for _ in dates)}) ORDER BY d.id",
        (rows[0]["politician_id"], filing["source_id"], *dates),
    ).fetchall()

    taken: set[int] = set()
    marked: set[int] = set()
    now = clock.now_text()
    for row in rows:
        match = next(
            (c for c in candidates if c["id"] not in taken and repeats(row, c)), None
        )
        status, duplicate_of = ("active", None)
        if match is not None:
            taken.add(int(match["id"]))
            marked.add(int(row["row_number"]))
            status, duplicate_of = "duplicate", int(match["id"])
        if (row["status"], row["duplicate_of_id"]) == (status, duplicate_of):
            continue
        conn.execute(
            "UPDATE trading_disclosures SET status = ?, duplicate_of_id = ?, "
            "updated_at = ? WHERE id = ?",
            (status, duplicate_of, now, row["id"]),
        )
    return marked
