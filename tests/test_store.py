"""The store writes politicians, filings and rows idempotently, and links amendments."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from ptt import db
from ptt.archive import Archive
from ptt.model import ParsedDocument, StatedPolitician, Transaction
from ptt.parsing.senate import parse_senate_paper, parse_senate_ptr
from ptt.store import ensure_data_source, store_document, upsert_politician

BOOZMAN_ID = "0677bd3f-167e-4cae-8f1d-05eb4340fcdc"
PAPER_ID = "068274e1-4b7a-4453-a242-563dde4c10d8"
SENATE = "us-senate"
HOUSE = "us-house"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    """Return a new database with the two US sources recorded."""
    connection = db.connect(tmp_path / "ptt.db")
    ensure_data_source(connection, SENATE, name="Senate", url="https://s.example")
    ensure_data_source(connection, HOUSE, name="House", url="https://h.example")
    return connection


def boozman(fixtures: Path) -> ParsedDocument:
    data = (fixtures / "us_senate" / f"ptr_{BOOZMAN_ID}.html").read_bytes()
    return parse_senate_ptr(data, BOOZMAN_ID)


def row(parsed: ParsedDocument, number: int) -> Transaction:
    return next(t for t in parsed.transactions if t.row == number)


def count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def rows_of(conn: sqlite3.Connection, filing_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM trading_disclosures WHERE filing_id = ? ORDER BY row_number",
        (filing_id,),
    ).fetchall()


def test_it_stores_a_parsed_report_with_one_row_per_transaction(
    conn: sqlite3.Connection, fixtures: Path, tmp_path: Path
) -> None:
    parsed = boozman(fixtures)
    archived = Archive(tmp_path / "documents").save(
        SENATE, f"ptr/{BOOZMAN_ID}.html", b"page"
    )

    result = store_document(
        conn, parsed, source_id=SENATE, url="https://s.example/r/", archived=archived
    )

    assert (result.new, result.updated, result.unchanged) == (8, 0, 0)
    assert result.status == "parsed" and result.filing_created
    filing = conn.execute("SELECT * FROM filings").fetchone()
    assert filing["doc_id"] == BOOZMAN_ID
    assert filing["filing_date"] == "2026-01-13"
    assert filing["transaction_count"] == 8
    assert filing["sha256"] == archived.sha256
    assert filing["archive_path"] == f"us-senate/ptr/{BOOZMAN_ID}.html"
    rows = rows_of(conn, result.filing_id)
    assert [r["row_number"] for r in rows] == list(range(1, 9))
    assert {r["disclosure_date"] for r in rows} == {"2026-01-13"}
    assert {r["source_url"] for r in rows} == {"https://s.example/r/"}
    assert json.loads(rows[0]["raw"])["Owner"] == "Joint"
    politician = conn.execute("SELECT * FROM politicians").fetchone()
    assert politician["identity_key"] == "senate|boozman|john"


def test_storing_the_same_document_again_changes_nothing(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    store_document(conn, boozman(fixtures), source_id=SENATE, url=None, archived=None)
    before = conn.execute(
        "SELECT id, updated_at, raw FROM trading_disclosures ORDER BY id"
    ).fetchall()

    again = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )

    assert (again.new, again.updated, again.unchanged) == (0, 0, 8)
    assert not again.filing_created and not again.filing_changed
    after = conn.execute(
        "SELECT id, updated_at, raw FROM trading_disclosures ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert count(conn, "SELECT COUNT(*) FROM politicians") == 1


def test_a_document_that_reads_differently_updates_its_rows_in_place(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    first = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    ids = [r["id"] for r in rows_of(conn, first.filing_id)]
    changed = boozman(fixtures)
    third = row(changed, 3)
    third.amount_text = "$50,001 - $100,000"
    third.amount_range_min, third.amount_range_max = 50_001, 100_000

    result = store_document(conn, changed, source_id=SENATE, url=None, archived=None)

    assert (result.new, result.updated, result.unchanged) == (0, 1, 7)
    rows = rows_of(conn, first.filing_id)
    assert [r["id"] for r in rows] == ids
    assert rows[2]["amount_range_min"] == 50_001


def test_rows_an_improved_reading_no_longer_gives_are_withdrawn_never_deleted(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    first = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    eighth = rows_of(conn, first.filing_id)[7]
    fewer = boozman(fixtures)
    fewer.transactions = [t for t in fewer.transactions if t.row != 8]

    result = store_document(conn, fewer, source_id=SENATE, url=None, archived=None)
    again = store_document(conn, fewer, source_id=SENATE, url=None, archived=None)

    assert (result.withdrawn, result.unchanged) == (1, 7)
    assert (again.withdrawn, again.unchanged) == (0, 7)
    rows = rows_of(conn, first.filing_id)
    assert [r["status"] for r in rows] == ["active"] * 7 + ["withdrawn"]
    kept = rows[7]
    assert (kept["id"], kept["raw"], kept["asset_name"]) == (
        eighth["id"],
        eighth["raw"],
        eighth["asset_name"],
    )
    assert kept["withdrawn_at"] is not None
    assert kept["withdrawn_at"] == kept["updated_at"]
    assert all(r["withdrawn_at"] is None for r in rows[:7])


def test_a_withdrawn_row_stated_again_is_active_again_in_its_place(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    first = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    ids = [r["id"] for r in rows_of(conn, first.filing_id)]
    fewer = boozman(fixtures)
    fewer.transactions = [t for t in fewer.transactions if t.row != 8]
    store_document(conn, fewer, source_id=SENATE, url=None, archived=None)

    result = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )

    assert (result.new, result.updated, result.withdrawn) == (0, 1, 0)
    rows = rows_of(conn, first.filing_id)
    assert [r["id"] for r in rows] == ids
    assert {(r["status"], r["withdrawn_at"]) for r in rows} == {("active", None)}


def test_the_dataset_that_supplied_a_document_is_its_filings_origin(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    official = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    supplied = boozman(fixtures)
    supplied.doc_id, supplied.origin = "a-copy", "senate-stock-watcher"

    copy_ = store_document(conn, supplied, source_id=SENATE, url=None, archived=None)

    origins = {
        row["id"]: row["origin"] for row in conn.execute("SELECT * FROM filings")
    }
    assert origins == {
        official.filing_id: None,
        copy_.filing_id: "senate-stock-watcher",
    }


def test_a_failed_reading_keeps_the_rows_of_an_earlier_good_one(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    store_document(conn, boozman(fixtures), source_id=SENATE, url=None, archived=None)
    broken = ParsedDocument(
        source=SENATE, doc_id=BOOZMAN_ID, parse_status="failed", parse_error="boom"
    )

    result = store_document(conn, broken, source_id=SENATE, url=None, archived=None)

    assert result.status == "failed" and result.filing_changed
    assert count(conn, "SELECT COUNT(*) FROM trading_disclosures") == 8


def test_a_document_that_could_not_be_read_is_recorded_with_its_reason_not_as_no_trades(
    conn: sqlite3.Connection,
) -> None:
    parsed = ParsedDocument(
        source=HOUSE,
        doc_id="20026999",
        parse_status="failed",
        parse_error="the PDF is truncated",
        filing_type="PTR",
        filing_date=dt.date(2025, 2, 1),
    )

    result = store_document(conn, parsed, source_id=HOUSE, url="u", archived=None)

    filing = conn.execute("SELECT * FROM filings").fetchone()
    assert result.status == "failed"
    assert (filing["parse_status"], filing["parse_error"]) == (
        "failed",
        "the PDF is truncated",
    )
    assert filing["transaction_count"] is None
    assert filing["year"] == 2025
    assert count(conn, "SELECT COUNT(*) FROM trading_disclosures") == 0


def test_a_paper_filing_is_recorded_as_needing_ocr_with_its_page_images(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    data = (fixtures / "us_senate" / f"paper_{PAPER_ID}.html").read_bytes()
    parsed = parse_senate_paper(
        data, PAPER_ID, f"https://efdsearch.senate.gov/search/view/paper/{PAPER_ID}/"
    )

    result = store_document(conn, parsed, source_id=SENATE, url=None, archived=None)

    filing = conn.execute("SELECT * FROM filings").fetchone()
    assert result.status == "needs_ocr"
    assert filing["transaction_count"] is None
    images = json.loads(filing["page_image_urls"])
    assert images and all(url.startswith("https://") for url in images)


def test_a_parsed_document_without_a_filer_is_failed_rather_than_misattributed(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    parsed = boozman(fixtures)
    parsed.politician = None

    result = store_document(conn, parsed, source_id=SENATE, url=None, archived=None)

    assert result.status == "failed"
    assert count(conn, "SELECT COUNT(*) FROM trading_disclosures") == 0


def test_a_ticker_found_by_the_resolver_survives_storing_the_document_again(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    parsed = boozman(fixtures)
    first_row = row(parsed, 1)
    first_row.asset_ticker = first_row.ticker_source = None
    first_row.ticker_confidence = None
    first = store_document(conn, parsed, source_id=SENATE, url=None, archived=None)
    conn.execute(
        "UPDATE trading_disclosures SET asset_ticker = 'ABC', ticker_source = "
        "'sec_exact', ticker_confidence = 0.9 WHERE filing_id = ? AND row_number = 1",
        (first.filing_id,),
    )

    again = store_document(
        conn, copy.deepcopy(parsed), source_id=SENATE, url=None, archived=None
    )

    assert again.updated == 0
    stored = rows_of(conn, first.filing_id)[0]
    assert (stored["asset_ticker"], stored["ticker_source"]) == ("ABC", "sec_exact")


# --- politicians -----------------------------------------------------------------


def test_spellings_of_one_member_across_documents_make_one_politician(
    conn: sqlite3.Connection,
) -> None:
    spellings = [
        StatedPolitician(
            full_name="Michael A. Collins",
            first_name="Michael A.",
            last_name="Collins",
            honorific="Hon.",
            chamber="house",
        ),
        StatedPolitician(
            full_name="Michael A. Collins Jr",
            first_name="Michael A.",
            last_name="Collins",
            suffix="Jr",
            chamber="house",
            state_country="GA",
            district="10",
        ),
        StatedPolitician(full_name="Hon. Mike Collins", chamber="house"),
    ]

    ids = {upsert_politician(conn, s, source_id=HOUSE) for s in spellings[:2]}

    assert len(ids) == 1
    row = conn.execute("SELECT * FROM politicians").fetchone()
    assert (row["suffix"], row["state_country"], row["district"]) == ("Jr", "GA", "10")
    assert row["honorific"] == "Hon."
    assert row["full_name"] == "Michael A. Collins"


def test_a_later_document_never_blanks_a_stated_value(
    conn: sqlite3.Connection,
) -> None:
    full = StatedPolitician(
        full_name="Nancy Pelosi",
        first_name="Nancy",
        last_name="Pelosi",
        party="Democratic",
        state_country="CA",
        district="11",
        chamber="house",
    )
    bare = StatedPolitician(full_name="Hon. Nancy Pelosi", chamber="house")

    first = upsert_politician(conn, full, source_id=HOUSE)
    second = upsert_politician(conn, bare, source_id=HOUSE)

    assert first == second
    row = conn.execute("SELECT * FROM politicians").fetchone()
    assert (row["party"], row["district"]) == ("Democratic", "11")


def test_a_listing_spelling_and_the_document_spelling_join_as_aliases(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    listed = StatedPolitician(
        full_name="Bill Hagerty",
        first_name="Bill",
        last_name="Hagerty",
        chamber="senate",
    )
    parsed = boozman(fixtures)
    assert parsed.politician is not None
    parsed.politician = dataclasses.replace(
        parsed.politician,
        full_name="William F. Hagerty, IV",
        first_name="William",
        middle_name="F.",
        last_name="Hagerty",
        suffix="IV",
    )

    store_document(
        conn, parsed, source_id=SENATE, url=None, archived=None, politician=listed
    )

    assert count(conn, "SELECT COUNT(*) FROM politicians") == 1
    aliases = {r[0] for r in conn.execute("SELECT alias_key FROM politician_aliases")}
    assert "senate|hagerty|william" in aliases
    by_alias = StatedPolitician(full_name="William Hagerty", chamber="senate")
    assert upsert_politician(conn, by_alias, source_id=SENATE) == 1


def test_external_ids_tell_apart_two_people_of_one_name(
    conn: sqlite3.Connection,
) -> None:
    one = StatedPolitician(
        full_name="David Davies", chamber="commons", external_ids={"uk_member_id": "1"}
    )
    other = StatedPolitician(
        full_name="David Davies", chamber="commons", external_ids={"uk_member_id": "2"}
    )
    renamed = StatedPolitician(
        full_name="David T. C. Davies",
        chamber="commons",
        external_ids={"uk_member_id": "1"},
    )

    first = upsert_politician(conn, one, source_id="uk-parliament")
    second = upsert_politician(conn, other, source_id="uk-parliament")
    third = upsert_politician(conn, renamed, source_id="uk-parliament")

    assert first != second
    assert third == first
    assert count(conn, "SELECT COUNT(*) FROM politicians") == 2


def test_an_external_id_is_filled_in_when_a_document_first_states_it(
    conn: sqlite3.Connection,
) -> None:
    named = StatedPolitician(full_name="Rishi Sunak", chamber="commons")
    with_id = StatedPolitician(
        full_name="Rishi Sunak",
        chamber="commons",
        external_ids={"uk_member_id": "4483"},
    )

    first = upsert_politician(conn, named, source_id="uk-parliament")
    second = upsert_politician(conn, with_id, source_id="uk-parliament")

    assert first == second
    assert conn.execute("SELECT uk_member_id FROM politicians").fetchone()[0] == "4483"


# --- amendments ------------------------------------------------------------------


def amendment_of(parsed: ParsedDocument, doc_id: str, filed: dt.date) -> ParsedDocument:
    amended = copy.deepcopy(parsed)
    amended.doc_id = doc_id
    amended.filing_date = filed
    amended.is_amendment = True
    return amended


def test_an_amendment_supersedes_the_rows_of_the_report_it_restates(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    original = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    later = amendment_of(boozman(fixtures), "amended-1", dt.date(2026, 2, 1))

    result = store_document(conn, later, source_id=SENATE, url=None, archived=None)

    assert result.amends_filing_id == original.filing_id
    assert result.superseded == 8
    old = rows_of(conn, original.filing_id)
    assert {r["status"] for r in old} == {"amended"}
    assert {r["amended_by_filing_id"] for r in old} == {result.filing_id}
    assert {r["status"] for r in rows_of(conn, result.filing_id)} == {"active"}
    assert count(conn, "SELECT COUNT(*) FROM trading_disclosures") == 16


def test_an_amendment_stored_before_its_original_is_linked_when_the_original_arrives(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    later = amendment_of(boozman(fixtures), "amended-1", dt.date(2026, 2, 1))
    first = store_document(conn, later, source_id=SENATE, url=None, archived=None)
    assert first.amends_filing_id is None

    original = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )

    linked = conn.execute(
        "SELECT amends_filing_id FROM filings WHERE id = ?", (first.filing_id,)
    ).fetchone()[0]
    assert linked == original.filing_id
    assert {r["status"] for r in rows_of(conn, original.filing_id)} == {"amended"}


def test_an_amendment_naming_its_report_replaces_all_of_it(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    original = store_document(
        conn, boozman(fixtures), source_id=SENATE, url=None, archived=None
    )
    later = amendment_of(boozman(fixtures), "amended-1", dt.date(2026, 2, 1))
    later.transactions = later.transactions[:1]
    later.amends_doc_id = BOOZMAN_ID

    result = store_document(conn, later, source_id=SENATE, url=None, archived=None)

    assert result.amends_filing_id == original.filing_id
    assert {r["status"] for r in rows_of(conn, original.filing_id)} == {"amended"}


def test_an_amendment_that_restates_no_earlier_report_is_only_marked_as_one(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    store_document(conn, boozman(fixtures), source_id=SENATE, url=None, archived=None)
    other = amendment_of(boozman(fixtures), "amended-1", dt.date(2026, 2, 1))
    for transaction in other.transactions:
        transaction.asset_ticker = None
        transaction.asset_name = f"Something else {transaction.row}"

    result = store_document(conn, other, source_id=SENATE, url=None, archived=None)

    assert result.amends_filing_id is None
    filing = conn.execute(
        "SELECT is_amendment FROM filings WHERE id = ?", (result.filing_id,)
    ).fetchone()
    assert filing[0] == 1
    assert (
        count(conn, "SELECT COUNT(*) FROM trading_disclosures WHERE status = 'amended'")
        == 0
    )


def test_storing_an_amendment_again_changes_nothing(
    conn: sqlite3.Connection, fixtures: Path
) -> None:
    store_document(conn, boozman(fixtures), source_id=SENATE, url=None, archived=None)
    later = amendment_of(boozman(fixtures), "amended-1", dt.date(2026, 2, 1))
    store_document(conn, later, source_id=SENATE, url=None, archived=None)

    again = store_document(
        conn, copy.deepcopy(later), source_id=SENATE, url=None, archived=None
    )

    assert (again.new, again.updated, again.superseded) == (0, 0, 0)
    assert not again.filing_changed
