"""California: legislators' Form 700 Schedule A-1 investments, from CalMatters' CSV.

CalMatters publishes every legislator's Schedule A-1 rows (investments with their
fair-market-value band, and the dates acquired or disposed of where the form gives
them) as one CSV. It is one download, asked for conditionally with the ETag and
Last-Modified kept from the last one, so an unchanged file costs one short answer. Each
statement (filer, year and form) is a document keyed by its form's name; its rows,
under the CSV's header, are archived as its own CSV, and the scanned form's URL is the
filing URL. Statements are yearly, so the file changes a few times a year.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
from collections.abc import Sequence

from ptt.config import DEFAULT_BASE_URLS, Settings
from ptt.errors import FetchError, ParseError
from ptt.model import ParsedDocument
from ptt.sources.base import BaseSource, CollectRun, Document, listed_politicians
from ptt.sources.bundled import archive_name, process_bundled

logger = logging.getLogger(__name__)

SOURCE = "california"
INDEX_NAME = "schedule-a1.csv"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class CaliforniaSource(BaseSource):
    """California legislators' Form 700 Schedule A-1 holdings, as CalMatters lists them."""

    id = SOURCE
    name = "California Form 700 Schedule A-1 (CalMatters)"
    url = DEFAULT_BASE_URLS["california"]
    gives = "holdings"
    base_url_key = "california"

    def collect(self, run: CollectRun) -> None:
        """Fetch the CSV if it changed, and store each statement that is new or changed."""
        from ptt.parsing.california import parse_form700_csv

        url = run.base_url()
        try:
            data = run.fetch_index(url, INDEX_NAME)
        except FetchError as exc:
            raise FetchError(
                f"the Form 700 CSV could not be fetched: {exc.message}",
                source=SOURCE,
                url=url,
            ) from exc
        try:
            parsed = parse_form700_csv(data)
            statements = statement_files(data)
        except ParseError as exc:
            raise ParseError(
                f"the Form 700 CSV ({url}) cannot be read: {exc.message}",
                source=SOURCE,
                url=url,
            ) from exc
        if not parsed:
            raise ParseError(
                f"the Form 700 CSV ({url}) has a header and no rows; the file may be "
                "being republished",
                source=SOURCE,
                url=url,
            )
        if len(parsed) != len(statements):
            raise ParseError(
                f"the Form 700 CSV ({url}) groups into {len(parsed)} statements but "
                f"{len(statements)} files; its rows cannot be told apart",
                source=SOURCE,
            )

        bundle = [
            (statement_document(document, file, url), file)
            for document, file in zip(parsed, statements, strict=True)
        ]
        logger.info("The Form 700 CSV holds %d statement(s).", len(bundle))
        listed_politicians(
            run, [d.politician for d, _ in bundle if d.politician is not None]
        )
        process_bundled(run, bundle)

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the statement of a stored filing, to read its archived CSV again."""
        return Document(
            source=SOURCE,
            doc_id=str(filing["doc_id"]),
            url=str(filing["url"] or settings.base_url("california")),
            archive_name=str(filing["archive_path"] or "").split("/", 1)[-1],
            reader=read_statement,
        )


def statement_files(data: bytes) -> list[bytes]:
    """Return each statement's rows under the CSV's header, in the parser's order."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader, [])
    position = {name: index for index, name in enumerate(header)}

    def cell(row: Sequence[str], name: str) -> str:
        index = position.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    groups: dict[tuple[str, str, str], list[Sequence[str]]] = {}
    for row in reader:
        key = (cell(row, "filer"), cell(row, "filingYear"), cell(row, "formUrl"))
        groups.setdefault(key, []).append(row)

    files = []
    for rows in groups.values():
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        files.append(buffer.getvalue().encode("utf-8"))
    return files


def read_statement(data: bytes) -> ParsedDocument:
    """Return the archived CSV of one statement, read."""
    from ptt.parsing.california import parse_form700_csv

    try:
        documents = parse_form700_csv(data)
    except ParseError as exc:
        return ParsedDocument(
            source=SOURCE, doc_id="", parse_status="failed", parse_error=exc.message
        )
    if len(documents) != 1:
        return ParsedDocument(
            source=SOURCE,
            doc_id="",
            parse_status="failed",
            parse_error=f"the archived statement holds {len(documents)} statements",
        )
    return documents[0]


def statement_document(parsed: ParsedDocument, data: bytes, csv_url: str) -> Document:
    """Return the Document of one statement of the CSV."""
    stem = _UNSAFE.sub("-", parsed.doc_id).strip("-") or "unnamed"
    year = _year(parsed)
    politician = parsed.politician
    return Document(
        source=SOURCE,
        doc_id=parsed.doc_id,
        url=parsed.url or csv_url,
        archive_name=archive_name(f"statements/{stem}", data, "csv"),
        reader=read_statement,
        politician=politician,
        index_entry={
            "filer": politician.full_name if politician else None,
            "year": year,
            "form_url": parsed.url,
        },
        filing_type=parsed.filing_type,
    )


def _year(parsed: ParsedDocument) -> int | None:
    for row in parsed.transactions:
        text = str(row.raw.get("filingYear") or "").strip()
        if text.isdigit():
            return int(text)
    return None
