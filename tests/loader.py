"""A test-only writer of parsed documents, with plain SQL, until the store lands.

It writes what the parsers return, nothing more: one politician per spelling of a full
name (folded), one filing per document, one row per transaction, the filing date as the
row's disclosure date.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ptt.model import ParsedDocument, to_jsonable
from ptt.parsing.california import parse_form700_csv
from ptt.parsing.house import parse_house_ptr
from ptt.parsing.senate import parse_senate_paper, parse_senate_ptr
from ptt.parsing.stock_watcher import parse_senate_stock_watcher
from ptt.query import fold


def _politician(conn: sqlite3.Connection, parsed: ParsedDocument) -> int | None:
    stated = parsed.politician
    if stated is None:
        return None

    key = f"{parsed.source}:{fold(stated.full_name)}"
    conn.execute(
        "INSERT OR IGNORE INTO politicians (full_name, first_name, middle_name, "
        "last_name, suffix, honorific, role, party, state_country, district, chamber, "
        "identity_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (stated.full_name, stated.first_name, stated.middle_name, stated.last_name,
         stated.suffix, stated.honorific, stated.role, stated.party,
         stated.state_country, stated.district, stated.chamber, key),
    )  # fmt: skip
    row = conn.execute(
        "SELECT id FROM politicians WHERE identity_key = ?", (key,)
    ).fetchone()
    return int(row[0])


def load_document(
    conn: sqlite3.Connection, parsed: ParsedDocument, *, url: str | None = None
) -> int:
    """Write one parsed document and return its filing id."""
    conn.execute(
        "INSERT OR IGNORE INTO data_sources (id, name) VALUES (?, ?)",
        (parsed.source, parsed.source),
    )
    politician_id = _politician(conn, parsed)
    filed = parsed.filing_date.isoformat() if parsed.filing_date else None
    cursor = conn.execute(
        "INSERT INTO filings (source_id, doc_id, politician_id, filing_type, "
        "filing_date, year, url, parse_status, parse_error, transaction_count, "
        "is_amendment) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (parsed.source, parsed.doc_id, politician_id, parsed.filing_type, filed,
         parsed.filing_date.year if parsed.filing_date else None,
         url or parsed.url, parsed.parse_status, parsed.parse_error,
         len(parsed.transactions), int(parsed.is_amendment)),
    )  # fmt: skip
    filing_id = int(cursor.lastrowid or 0)
    for row in parsed.transactions:
        data = to_jsonable(row)
        conn.execute(
            "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
            "transaction_date, notification_date, disclosure_date, owner, asset_name, "
            "asset_ticker, ticker_source, asset_type, transaction_type, "
            "amount_range_min, amount_range_max, amount_text, comment, origin, raw) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (politician_id, filing_id, row.row, data["transaction_date"],
             data["notification_date"], filed, row.owner, row.asset_name,
             row.asset_ticker, row.ticker_source, row.asset_type,
             row.transaction_type, row.amount_range_min, row.amount_range_max,
             row.amount_text, row.comment, row.origin, json.dumps(row.raw)),
        )  # fmt: skip
    return filing_id


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
    """Write every parsed fixture document into the database, in one transaction."""
    conn.execute("BEGIN")
    for parsed in fixture_documents(fixtures):
        load_document(conn, parsed)
    conn.execute("COMMIT")
