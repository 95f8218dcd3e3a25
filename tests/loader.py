"""The fixture documents, parsed and stored as a collection stores them, for the query
tests: House PTR PDFs, Senate report pages, Senate Stock Watcher rows and California's
Form 700 rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ptt.model import ParsedDocument
from ptt.parsing.california import parse_form700_csv
from ptt.parsing.house import parse_house_ptr
from ptt.parsing.senate import parse_senate_paper, parse_senate_ptr
from ptt.parsing.stock_watcher import parse_senate_stock_watcher
from ptt.store import ensure_data_source, store_document


def load_document(
    conn: sqlite3.Connection, parsed: ParsedDocument, *, url: str | None = None
) -> int:
    """Store one parsed document as a collection does and return its filing id."""
    ensure_data_source(conn, parsed.source, name=parsed.source, url=None)
    result = store_document(
        conn, parsed, source_id=parsed.source, url=url or parsed.url, archived=None
    )
    return result.filing_id


def fixture_documents(fixtures: Path) -> list[ParsedDocument]:
    """Return the parsed fixture documents: House PTRs, Senate pages, Stock Watcher,
    California."""
    documents = []
    for path in sorted((fixtures / "us_house" / "ptr-pdfs").glob("*.pdf")):
        parsed = parse_house_ptr(path.read_bytes(), path.stem)
        year = parsed.filing_date.year if parsed.filing_date else 2025
        parsed.url = (
            "https://disclosures-clerk.house.gov/public_disc/ptr-pdfs/"
            f"{year}/{path.stem}.pdf"
        )
        documents.append(parsed)
    senate = fixtures / "us_senate"
    for path in sorted(senate.glob("ptr_*.html")):
        uuid = path.stem.split("_", 1)[1]
        url = f"https://efdsearch.senate.gov/search/view/ptr/{uuid}/"
        documents.append(parse_senate_ptr(path.read_bytes(), doc_id=uuid, url=url))
    documents += [
        parse_senate_paper(path.read_bytes(), doc_id=path.stem.split("_", 1)[1])
        for path in sorted(senate.glob("paper_*.html"))
    ]
    documents += parse_senate_stock_watcher(
        (fixtures / "aggregated/senate_stock_watcher_all_transactions_first300.json")
        .read_bytes()
    )  # fmt: skip
    documents += parse_form700_csv(
        (fixtures / "california/form700_schedule_a1_first300.csv").read_bytes()
    )
    return documents


def fill_from_fixtures(conn: sqlite3.Connection, fixtures: Path) -> None:
    """Store every parsed fixture document, one transaction each."""
    for parsed in fixture_documents(fixtures):
        load_document(conn, parsed)
