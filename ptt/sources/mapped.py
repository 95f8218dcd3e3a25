"""Sources added without code: a published CSV or JSON list read through a mapping file.

``ptt sources add-mapped NAME --url URL --mapping FILE`` checks the mapping at once
(``ptt.parsing.stock_watcher.load_mapping``) and stores it in ``data_sources.mapping``;
from then on the source takes part in ``ptt collect --source NAME`` and ``--source
all`` like any other. A pull fetches the file politely and conditionally (an unchanged
file costs one 304 answer), reads it with ``parse_mapped_csv``, and keeps each document
(its rows under the file's header, or its objects as a JSON list) in the archive as its
own file named by its sha256, as ``ptt.sources.bundled`` does for other one-download
sources: every stored row points at the exact bytes it was read from, and a document
whose bytes did not change is not read again. Each document is stored in its own
transaction. A file that lacks a mapped column, or holds no rows, fails the pull loudly
instead of reporting nothing new.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import sqlite3
from typing import TYPE_CHECKING, Any

from ptt import clock
from ptt.config import Settings
from ptt.db import transaction
from ptt.errors import ParseError, UsageError
from ptt.model import ParsedDocument
from ptt.sources.base import CollectRun, Document

if TYPE_CHECKING:
    from ptt.parsing.stock_watcher import Mapping

logger = logging.getLogger(__name__)

GIVES = ("trades", "holdings", "trades and holdings")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_HOLDING_TYPES = ("holding", "interest")


class MappedSource:
    """A source whose documents are the rows of one published file, read via a mapping."""

    def __init__(
        self, source_id: str, name: str, url: str, gives: str, mapping: Mapping
    ) -> None:
        self.id = source_id
        self.name = name
        self.url = url
        self.gives = gives
        self.mapping = mapping

    @property
    def extension(self) -> str:
        """Return the file name extension of the source's file."""
        return "json" if self.mapping.format == "json" else "csv"

    def read(self, data: bytes) -> list[ParsedDocument]:
        """Return the documents of one version of the file."""
        from ptt.parsing.stock_watcher import parse_mapped_csv

        documents = parse_mapped_csv(data, self.mapping)
        if not documents:
            raise ParseError(
                f"{self.url} holds no rows; the file or its address may have changed",
                source=self.id,
                url=self.url,
            )
        return documents

    def read_document(self, data: bytes, doc_id: str) -> ParsedDocument:
        """Return one archived document's file, read."""
        try:
            documents = self.read(data)
        except ParseError as exc:
            return self._failed(doc_id, exc.message)
        for document in documents:
            if doc_id in (document.doc_id, _filer_id(document)):
                document.doc_id = doc_id
                return document
        return self._failed(
            doc_id, f"the archived file does not hold document {doc_id}"
        )

    def _failed(self, doc_id: str, reason: str) -> ParsedDocument:
        return ParsedDocument(
            source=self.id, doc_id=doc_id, parse_status="failed", parse_error=reason
        )

    def collect(self, run: CollectRun) -> None:
        """Fetch the file conditionally and store each document that is new or changed."""
        from ptt.sources.bundled import archive_name, process_bundled

        data = run.fetch_index(self.url, f"latest.{self.extension}")
        documents = self.read(data)
        header = _header(data) if self.extension == "csv" else []
        readable = [d for d in documents if d.parse_status == "parsed"]
        unreadable = [d for d in documents if d.parse_status != "parsed"]
        bundle = []
        for parsed in readable:
            data_of_document = self._file(parsed, header)
            stem = _UNSAFE.sub("-", parsed.doc_id).strip("-")[:80] or "unnamed"
            name = archive_name(f"documents/{stem}", data_of_document, self.extension)
            bundle.append((self._document(parsed, name), data_of_document))
        process_bundled(run, bundle)

        # Rows without a usable document id have no document to keep: they are
        # recorded as failed, with their reason, on every pull.
        if run.dry_run:
            run.metrics.filings_seen += len(unreadable)
            return
        for parsed in unreadable:
            run.store_parsed(
                parsed,
                url=parsed.url or self.url,
                archived=None,
                index_entry={"file_url": self.url},
                politician=parsed.politician,
            )

    def _document(self, parsed: ParsedDocument, name: str = "") -> Document:
        doc_id = parsed.doc_id
        return Document(
            source=self.id,
            doc_id=doc_id,
            url=parsed.url or self.url,
            archive_name=name,
            reader=lambda data: self.read_document(data, doc_id),
            politician=parsed.politician,
            index_entry={"file_url": self.url},
            filing_type=parsed.filing_type,
            filing_date=parsed.filing_date,
        )

    def _file(self, parsed: ParsedDocument, header: list[str]) -> bytes:
        """Return one document's rows as a file of the source's format."""
        rows = [t.raw for t in parsed.transactions]
        if self.extension == "json":
            data = json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
        else:
            buffer = io.StringIO(newline="")
            writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            data = buffer.getvalue().encode("utf-8")
        return data

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the document of a stored filing, to read its archived file again."""
        doc_id = str(filing["doc_id"])
        return Document(
            source=self.id,
            doc_id=doc_id,
            url=str(filing["url"] or self.url),
            archive_name=str(filing["archive_path"] or "").split("/", 1)[-1],
            reader=lambda data: self.read_document(data, doc_id),
            filing_type=filing["filing_type"],
        )


def _filer_id(parsed: ParsedDocument) -> str:
    """Return the id ``parse_mapped_csv`` gives a second filer under one document id."""
    name = parsed.politician.full_name if parsed.politician else ""
    return f"{parsed.doc_id}/{name}"


def _header(data: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return next(reader, [])


# --- adding and loading -------------------------------------------------------------


def gives_of(mapping: Mapping) -> str:
    """Return what a mapped file gives: holdings when every row is a holding."""
    if mapping.default_transaction_type in _HOLDING_TYPES and (
        "transaction_type" not in mapping.columns
    ):
        return "holdings"
    return "trades"


def check_name(name: str) -> str:
    """Return a new source's id, refusing one that is malformed or already taken."""
    from ptt.sources import ALL, SOURCE_GROUPS, known_sources

    source_id = name.strip().lower()
    if not _NAME.match(source_id):
        raise UsageError(
            f"source name '{name}' must be lower-case letters, digits and hyphens "
            "(e.g. sf-ethics)"
        )
    if source_id in (*known_sources(), *SOURCE_GROUPS, ALL):
        raise UsageError(f"source name '{source_id}' is taken by a built-in source")
    return source_id


def add_mapped_source(
    conn: sqlite3.Connection,
    name: str,
    *,
    url: str,
    mapping_text: str,
    gives: str | None = None,
    replace: bool = False,
) -> MappedSource:
    """Check the mapping, store the source in ``data_sources`` and return it."""
    from ptt.actions import log_action
    from ptt.parsing.stock_watcher import load_mapping

    source_id = check_name(name)
    if not re.match(r"^https?://[^/\s]+", url.strip()):
        raise UsageError(f"--url '{url}' is not an http or https address")
    mapping = load_mapping(mapping_text)
    if gives is not None and gives not in GIVES:
        raise UsageError(f"--gives '{gives}' is not one of {', '.join(GIVES)}")

    # The stored mapping names the source by its id, whatever the file called it.
    spec = json.loads(mapping_text)
    spec["source"] = source_id
    stored = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    chosen = gives or gives_of(mapping)
    title = f"{source_id} (a published file read through a mapping)"
    with transaction(conn):
        existing = conn.execute(
            "SELECT mapping FROM data_sources WHERE id = ?", (source_id,)
        ).fetchone()
        if existing is not None and existing["mapping"] is None:
            raise UsageError(
                f"source name '{source_id}' is taken by an imported dataset; choose "
                "another name"
            )
        if existing is not None and not replace:
            raise UsageError(
                f"'{source_id}' is already an added source; add --replace to change "
                "its address or mapping"
            )
        conn.execute(
            "INSERT INTO data_sources (id, name, url, gives, mapping) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "url = excluded.url, gives = excluded.gives, mapping = excluded.mapping, "
            "updated_at = ?",
            (source_id, title, url.strip(), chosen, stored, clock.now_text()),
        )
        log_action(
            conn,
            "source_replaced" if existing is not None else "source_added",
            target=source_id,
            details={"url": url.strip(), "gives": chosen, "mapping": spec},
            result=f"Added {source_id}, reading {url.strip()} through its mapping",
        )
    return MappedSource(
        source_id,
        title,
        url.strip(),
        chosen,
        dataclasses.replace(mapping, source=source_id),
    )


def mapped_source(row: sqlite3.Row | dict[str, Any]) -> MappedSource:
    """Return the source a ``data_sources`` row with a mapping describes."""
    from ptt.parsing.stock_watcher import load_mapping

    mapping = load_mapping(str(row["mapping"]))
    return MappedSource(
        str(row["id"]),
        str(row["name"]),
        str(row["url"]),
        str(row["gives"]),
        dataclasses.replace(mapping, source=str(row["id"])),
    )


def load_mapped_sources(conn: sqlite3.Connection) -> dict[str, MappedSource]:
    """Return the added sources the database holds, by id."""
    rows = conn.execute(
        "SELECT id, name, url, gives, mapping FROM data_sources "
        "WHERE mapping IS NOT NULL ORDER BY id"
    ).fetchall()
    sources: dict[str, MappedSource] = {}
    for row in rows:
        try:
            sources[str(row["id"])] = mapped_source(row)
        except UsageError as exc:
            # A mapping stored by hand and broken fails its own pulls, not the others.
            logger.error("Added source %s has a broken mapping: %s", row["id"], exc)
    return sources
