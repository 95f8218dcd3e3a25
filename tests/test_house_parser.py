"""The House readers give what the index and the PTR PDFs state, and fail loudly."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ptt.errors import ParseError
from ptt.model import StatedPolitician, Transaction
from ptt.parsing import house
from ptt.parsing.house import (
    MAX_MEMBER_BYTES,
    HouseIndexEntry,
    index_zip_path,
    parse_house_ptr,
    parse_index_txt,
    parse_index_xml,
    ptr_pdf_path,
    read_index_zip,
)
from tests.pdfs import PAGE_BREAK, Line
from tests.pdfs import text_pdf as _pdf

D = dt.date
TABLE_HEADER = (
    "ID Owner Asset Transaction",
    "Type",
    "Date Notification",
    "Date",
    "Amount Cap.",
    "Gains >",
    "$200?",
)
# The header laid out as the Clerk's: ID, Owner and Asset columns apart, the Owner
# column 30 points in (where built rows start by default), the Asset column at 62.
HEADER_LINES = (
    [(5.0, "ID"), (30.0, "Owner"), (62.0, "Asset Transaction")],
    *TABLE_HEADER[1:],
)
ST = "Stocks (including ADRs)"
GS = "Government securities and agency debt"


def _house(fixtures: Path, name: str) -> bytes:
    return (fixtures / "us_house" / name).read_bytes()


def _ptr(fixtures: Path, doc_id: str) -> bytes:
    return _house(fixtures, f"ptr-pdfs/{doc_id}.pdf")


def _row(row: int, **values: Any) -> Transaction:
    """Return a row with the House's usual facts: a New filing, a stated band."""
    values.setdefault("filing_status", "New")
    if values.get("asset_ticker"):
        values.setdefault("ticker_source", "document")
        values.setdefault("ticker_confidence", 1.0)
    return Transaction(row=row, **values)


def _pelosi_sale(
    row: int,
    name: str,
    ticker: str,
    day: int,
    band: tuple[int, int],
    sold: str,
    comment: str | None = None,
    cap_gains: bool = False,
) -> Transaction:
    return _row(
        row,
        transaction_date=D(2022, 12, day),
        notification_date=D(2022, 12, day),
        owner="spouse",
        asset_name=name,
        asset_ticker=ticker,
        asset_type_code="ST",
        asset_type=ST,
        transaction_type="sale_partial",
        amount_range_min=band[0],
        amount_range_max=band[1],
        amount_text=f"${band[0]:,} - ${band[1]:,}",
        cap_gains_over_200=cap_gains,
        description=f"Sold {sold} shares.",
        comment=comment,
    )


def _loss(shares: str, price: str, loss: str) -> str:
    return (
        f"Sold {shares} shares at an average price of ${price} for a total loss "
        f"of ${loss}."
    )


M = (500_001, 1_000_000)
Q = (250_001, 500_000)

# Every row of every electronic PTR fixture, as read off the rendered pages.
PELOSI = [
    _row(
        1,
        transaction_date=D(2022, 12, 28),
        notification_date=D(2022, 12, 28),
        owner="spouse",
        asset_name="Alliance Bernstein Holding L.P. Units",
        asset_type_code="OL",
        asset_type="Ownership interest (engaged in a trade or business)",
        transaction_type="sale_partial",
        amount_range_min=500_001,
        amount_range_max=1_000_000,
        amount_text="$500,001 - $1,000,000",
        cap_gains_over_200=False,
        location="New York, NY, US",
        description="Sold 20,000 shares.",
        comment=_loss("20,000", "32.95", "11,510"),
    ),
    _pelosi_sale(2, "Alphabet Inc. - Class A", "GOOGL", 28, M, "10,000", None, True),
    _pelosi_sale(3, "Alphabet Inc. - Class A", "GOOGL", 20, M, "10,000", None, True),
    _pelosi_sale(4, "Alphabet Inc. - Class A", "GOOGL", 21, M, "10,000", None, True),
    _pelosi_sale(
        5, "Netflix, Inc.", "NFLX", 29, Q, "1,000", _loss("1,000", "290.04", "66,385")
    ),
    _pelosi_sale(
        6, "Netflix, Inc.", "NFLX", 30, Q, "1,000", _loss("1,000", "292.89", "63,535")
    ),
    _pelosi_sale(
        7,
        "PayPal Holdings, Inc.",
        "PYPL",
        21,
        Q,
        "5,000",
        _loss("5,000", "69.10", "424,313"),
    ),
    _pelosi_sale(
        8,
        "PayPal Holdings, Inc.",
        "PYPL",
        28,
        Q,
        "5,000",
        _loss("5,000", "67.77", "429,938"),
    ),
    _row(
        9,
        transaction_date=D(2022, 12, 27),
        notification_date=D(2022, 12, 27),
        owner="spouse",
        asset_name="REOF XX, LLC",
        asset_type_code="AB",
        asset_type="Asset-backed securities",
        transaction_type="purchase",
        amount_range_min=15_001,
        amount_range_max=50_000,
        amount_text="$15,001 - $50,000",
        cap_gains_over_200=False,
        description="Additional investment in LLC which acquired five Courtyard by "
        "Marriott hotels located in Fairfax, VA (one), suburban Baltimore, MD (two) "
        "and San Antonio, TX (two).",
    ),
    _pelosi_sale(
        10,
        "Roblox Corporation Class A",
        "RBLX",
        28,
        (100_001, 250_000),
        "5,000",
        _loss("5,000", "26.05", "235,836"),
    ),
    _row(
        11,
        transaction_date=D(2022, 12, 20),
        notification_date=D(2022, 12, 20),
        owner="spouse",
        asset_name="Salesforce, Inc.",
        asset_ticker="CRM",
        asset_type_code="OP",
        asset_type="Options",
        transaction_type="sale_full",
        amount_range_min=9,
        amount_range_max=9,
        amount_text="$9.00",
        cap_gains_over_200=False,
        description="Sold 130 call options purchased 12/20/21 with a strike price of "
        "$210 and an expiration date of 1/20/23.",
        comment="Sold 130 call options purchased 12/20/21 (13,000 shares) at a price "
        "of $0.01 per share for a total loss of $733,691.",
        option_type="call",
        option_strike=210.0,
        option_expiry=D(2023, 1, 20),
        option_underlying="CRM",
    ),
    _pelosi_sale(
        12, "Tesla, Inc.", "TSLA", 20, M, "5,000", _loss("5,000", "140.38", "511,197")
    ),
    _pelosi_sale(
        13,
        "Walt Disney Company",
        "DIS",
        21,
        M,
        "10,000",
        _loss("10,000", "87.58", "114,138"),
    ),
]
RWA = "R.W. Allen & Associates, Inc. > RWA&A - Securities"
ALLEN = [
    _row(
        1,
        transaction_date=D(2024, 12, 12),
        notification_date=D(2025, 1, 8),
        owner="spouse",
        asset_name="Rollins, Inc. Common Stock",
        asset_ticker="ROL",
        asset_type_code="ST",
        asset_type=ST,
        transaction_type="purchase",
        amount_range_min=15_001,
        amount_range_max=50_000,
        amount_text="$15,001 - $50,000",
        cap_gains_over_200=False,
        subholding_of=RWA,
    ),
    _row(
        2,
        transaction_date=D(2024, 12, 3),
        notification_date=D(2025, 1, 8),
        owner="spouse",
        asset_name="US TREASU NOTE 4.375% DUE 12/15/26",
        asset_cusip="91282CJP7",
        asset_type_code="GS",
        asset_type=GS,
        transaction_type="purchase",
        amount_range_min=100_001,
        amount_range_max=250_000,
        amount_text="$100,001 - $250,000",
        cap_gains_over_200=False,
        subholding_of=RWA,
    ),
    # The document states a notification date before the trade; it is kept as stated.
    _row(
        3,
        transaction_date=D(2024, 12, 3),
        notification_date=D(2024, 1, 8),
        owner="self",
        asset_name="US TREASURY BILL DUE 03/20/25",
        asset_cusip="912797KJ5",
        asset_type_code="GS",
        asset_type=GS,
        transaction_type="purchase",
        amount_range_min=15_001,
        amount_range_max=50_000,
        amount_text="$15,001 - $50,000",
        cap_gains_over_200=False,
        subholding_of="SCH1",
    ),
    _row(
        4,
        transaction_date=D(2024, 12, 3),
        notification_date=D(2024, 1, 8),
        owner="self",
        asset_name="US TREASURY NOTE 4.25% DUE 12/31/25",
        asset_cusip="91282CJS1",
        asset_type_code="GS",
        asset_type=GS,
        transaction_type="purchase",
        amount_range_min=50_001,
        amount_range_max=100_000,
        amount_text="$50,001 - $100,000",
        cap_gains_over_200=False,
        subholding_of="SCH1",
    ),
]
WHITESIDES = [
    _row(
        1,
        transaction_date=D(2025, 3, 27),
        notification_date=D(2025, 3, 27),
        owner="self",
        asset_name="Planet Labs PBC Class A Common Stock",
        asset_ticker="PL",
        asset_type_code="ST",
        asset_type=ST,
        transaction_type="sale_full",
        amount_range_min=50_001,
        amount_range_max=100_000,
        amount_text="$50,001 - $100,000",
        cap_gains_over_200=False,
        subholding_of="Hummingbird Circle Trust",
        comment="This position was sold at a loss on 3/27/2025 as part of my "
        "divestments to avoid possible conflicts of interest. This PTR is being "
        "submitted to ensure full transparency and compliance with all disclosure "
        "requirements. As of 3/28/2025, neither I nor my wife hold any single "
        "company publicly-traded stocks.",
    ),
]
ADERHOLT = [
    _row(
        1,
        transaction_date=D(2025, 7, 28),
        notification_date=D(2025, 8, 11),
        owner="self",
        asset_name="GSK plc American Depositary Shares",
        asset_ticker="GSK",
        asset_type_code="ST",
        asset_type=ST,
        transaction_type="sale_full",
        amount_range_min=1_001,
        amount_range_max=15_000,
        amount_text="$1,001 - $15,000",
        cap_gains_over_200=True,
    ),
]

# doc id, stated name, first, middle, last, state, district, signed date, rows
PTRS = [
    (
        "20022260",
        "Nancy Pelosi",
        "Nancy",
        None,
        "Pelosi",
        "CA",
        "12",
        D(2023, 1, 12),
        PELOSI,
    ),
    (
        "20026537",
        "Richard W. Allen",
        "Richard",
        "W.",
        "Allen",
        "GA",
        "12",
        D(2025, 1, 16),
        ALLEN,
    ),
    (
        "20030886",
        "George Whitesides",
        "George",
        None,
        "Whitesides",
        "CA",
        "27",
        D(2025, 8, 13),
        WHITESIDES,
    ),
    (
        "20032062",
        "Robert B. Aderholt",
        "Robert",
        "B.",
        "Aderholt",
        "AL",
        "04",
        D(2025, 9, 10),
        ADERHOLT,
    ),
]


def _without_raw(transactions: list[Transaction]) -> list[Transaction]:
    return [Transaction(**{**t.__dict__, "raw": {}}) for t in transactions]


@pytest.mark.parametrize(
    (
        "doc_id",
        "full",
        "first",
        "middle",
        "last",
        "state",
        "district",
        "signed",
        "rows",
    ),
    PTRS,
    ids=[case[0] for case in PTRS],
)
def test_it_reads_every_field_of_every_row_of_each_ptr(
    fixtures: Path,
    doc_id: str,
    full: str,
    first: str,
    middle: str | None,
    last: str,
    state: str,
    district: str,
    signed: dt.date,
    rows: list[Transaction],
) -> None:
    document = parse_house_ptr(_ptr(fixtures, doc_id), doc_id)

    assert document.parse_status == "parsed", document.parse_error
    assert document.parse_error is None
    assert (document.source, document.doc_id, document.filing_type) == (
        "us-house",
        doc_id,
        "PTR",
    )
    assert document.filing_date == signed
    assert document.raw["signed_date"] == signed.isoformat()
    assert document.raw["filing_id"] == doc_id
    assert document.raw["status"] == "Member"
    assert document.raw["pages"] == {"20022260": 3, "20026537": 2}.get(doc_id, 1)
    assert document.raw["state_district"] == f"{state}{district}"
    assert (document.is_amendment, document.amends_doc_id) == (False, None)
    assert document.politician == StatedPolitician(
        full_name=full,
        first_name=first,
        middle_name=middle,
        last_name=last,
        honorific="Hon.",
        role="Representative",
        state_country=state,
        district=district,
        chamber="house",
    )
    assert _without_raw(document.transactions) == rows


def test_it_keeps_a_row_across_a_page_break_with_its_lines_as_given(
    fixtures: Path,
) -> None:
    document = parse_house_ptr(_ptr(fixtures, "20022260"), "20022260")

    netflix = document.transactions[5]
    assert netflix.raw == {
        "lines": [
            "SP Netflix, Inc. (NFLX) [ST] S (partial) 12/30/2022 12/30/2022 $250,001 -",
            "$500,000",
            "F S: New",
            "D: Sold 1,000 shares.",
            "C: Sold 1,000 shares at an average price of $292.89 for a total loss of "
            "$63,535.",
        ],
        "pages": [1, 2],
        "owner": "SP",
        "transaction_type": "S (partial)",
    }


def test_it_keeps_a_wrapped_asset_and_amount_in_the_row_lines(fixtures: Path) -> None:
    document = parse_house_ptr(_ptr(fixtures, "20026537"), "20026537")

    assert document.transactions[2].raw["lines"] == [
        "US TREASURY BILL DUE 03/20/25",
        "(912797KJ5) [GS]",
        "P 12/03/2024 01/08/2024 $15,001 -",
        "$50,000",
        "F S: New",
        "S O: SCH1",
    ]
    assert document.transactions[2].raw["owner"] == ""


def test_the_index_filing_date_wins_over_the_signed_date_and_both_are_kept(
    fixtures: Path,
) -> None:
    entry = HouseIndexEntry(
        prefix="Hon.",
        last="Pelosi",
        first="Nancy",
        suffix=None,
        filing_type="P",
        state_district="CA12",
        state="CA",
        district="12",
        year=2023,
        filing_date=D(2023, 1, 13),
        doc_id="20022260",
    )

    document = parse_house_ptr(_ptr(fixtures, "20022260"), entry=entry)

    assert document.doc_id == "20022260"
    assert document.filing_date == D(2023, 1, 13)
    assert document.raw["index_filing_date"] == "2023-01-13"
    assert document.raw["signed_date"] == "2023-01-12"


def test_it_takes_the_doc_id_from_the_url_or_the_document(fixtures: Path) -> None:
    url = "https://disclosures-clerk.house.gov/public_disc/ptr-pdfs/2025/20032062.pdf"

    assert parse_house_ptr(_ptr(fixtures, "20032062"), url=url).doc_id == "20032062"
    assert parse_house_ptr(_ptr(fixtures, "20032062")).doc_id == "20032062"


def test_it_fails_a_pdf_that_is_another_filings_document(fixtures: Path) -> None:
    document = parse_house_ptr(_ptr(fixtures, "20032062"), "20030886")

    assert document.parse_status == "failed"
    assert document.parse_error == (
        "the PDF says Filing ID #20032062, not the expected 20030886; it is another "
        "filing's document"
    )
    assert document.transactions == []


def test_a_scanned_pdf_needs_ocr_and_is_never_zero_trades(fixtures: Path) -> None:
    document = parse_house_ptr(
        _house(fixtures, "ptr-pdfs/scanned-image-only.pdf"), "8220999"
    )

    assert document.parse_status == "needs_ocr"
    assert document.parse_error == (
        "the PDF's 1 page(s) have no text layer (a scanned filing); it needs OCR"
    )
    assert document.transactions == []


@pytest.mark.parametrize("keep", [0.5, 0.1, 0.01])
def test_a_truncated_pdf_fails_with_the_reason(fixtures: Path, keep: float) -> None:
    data = _ptr(fixtures, "20022260")

    document = parse_house_ptr(data[: int(len(data) * keep)], "20022260")

    assert document.parse_status == "failed"
    assert document.parse_error == (
        "the PDF cannot be opened; it is truncated or corrupt (Failed to load "
        "document (PDFium: Data format error).)"
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "the document is not a PDF (it does not start with %PDF)"),
        (
            b"<html>Not found</html>",
            "the document is not a PDF (it does not start with %PDF)",
        ),
    ],
)
def test_a_body_that_is_not_a_pdf_fails(data: bytes, error: str) -> None:
    document = parse_house_ptr(data, "20022260")

    assert (document.parse_status, document.parse_error) == ("failed", error)


# --- PDFs built here, for layouts the fixtures do not show -------------------------


def _built_ptr(*rows: Line, comments: tuple[str, ...] = ()) -> bytes:
    return _pdf(
        "Name: Hon. Jane Q. Public Jr.",
        "Status: Member",
        "State/District: NY03",
        *HEADER_LINES,
        *rows,
        "* For the complete list of asset type abbreviations, please visit x.",
        *comments,
        "Digitally Signed: Hon. Jane Q. Public Jr. , 03/04/2025",
        "Filing ID #20099999",
    )


def test_a_pdf_without_a_transaction_table_is_not_a_transaction_report() -> None:
    data = _pdf(
        "Financial Disclosure Report",
        "Name: Hon. Jane Q. Public",
        "Schedule A: Assets and Unearned Income",
        "Filing ID #10059999",
    )

    document = parse_house_ptr(data, "10059999")

    assert document.parse_status == "not_a_transaction_report"
    assert document.parse_error == (
        "the PDF has no transaction table (ID | Owner | Asset | Transaction Type "
        "...): it is not a Periodic Transaction Report"
    )
    assert document.filing_type is None
    assert document.transactions == []


def test_a_ptr_whose_table_layout_is_unknown_fails_rather_than_not_a_report() -> None:
    data = _pdf(
        "Name: Hon. Jane Q. Public",
        "Asset Owner Date Type Amount",
        "Acme Corp. SP 01/02/2025 P $1,001 - $15,000",
        "I CERTIFY that the statements I have made on the attached Periodic "
        "Transaction Report are true.",
        "Filing ID #20099999",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "failed"
    assert document.parse_error == (
        "the PDF is a Periodic Transaction Report, but its transaction table has a "
        "layout this reader does not know (no ID | Owner | Asset | Transaction Type "
        "header)"
    )
    assert document.transactions == []


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("JT Big Fund LP [HN] E 01/02/202501/03/2025 Over $50,000,000",),
            dict(
                owner="joint",
                transaction_type="exchange",
                amount_range_min=50_000_001,
                amount_range_max=None,
                amount_text="Over $50,000,000",
                transaction_date=D(2025, 1, 2),
                notification_date=D(2025, 1, 3),
            ),
        ),
        (
            (
                "DC Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 Spouse/DC Over",
                "$1,000,000",
            ),
            dict(
                owner="dependent",
                transaction_type="purchase",
                amount_range_min=1_000_001,
                amount_range_max=None,
                amount_text="Spouse/DC Over $1,000,000",
                asset_ticker="ACME",
            ),
        ),
        (
            ("Acme Corp. (ACME) [ST] S 01/02/2025 01/03/2025 $1,234.56",),
            dict(
                owner="self",
                transaction_type="sale_full",
                amount_range_min=1_234,
                amount_range_max=1_235,
                amount_text="$1,234.56",
            ),
        ),
        (
            (
                "SP Acme Corp. (ACME) [XX] S (partial) 01/02/2025 01/03/2025 $1,001 -",
                "$15,000",
            ),
            dict(
                owner="spouse",
                transaction_type="sale_partial",
                asset_type_code="XX",
                asset_type=None,
                amount_range_min=1_001,
                amount_range_max=15_000,
            ),
        ),
        (
            ("Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025", "$15,001 -", "$50,000"),
            dict(
                amount_range_min=15_001,
                amount_range_max=50_000,
                amount_text="$15,001 - $50,000",
            ),
        ),
        (
            (
                "Acme Corp. (ACME) [ST] S (Partial) 01/02/2025 01/03/2025 $1,001 - $15,000",
            ),
            dict(
                transaction_type="sale_partial",
                asset_name="Acme Corp.",
                asset_ticker="ACME",
            ),
        ),
        (
            ("Acme Corp. P 13/45/2025 01/03/2025 $1,001 - $15,000",),
            dict(
                asset_name="Acme Corp.",
                asset_type_code=None,
                transaction_date=None,
                notification_date=D(2025, 1, 3),
            ),
        ),
    ],
)
def test_it_reads_owners_types_and_amounts_the_fixtures_do_not_show(
    lines: tuple[str, ...], expected: dict[str, Any]
) -> None:
    document = parse_house_ptr(_built_ptr(*lines, "F S: New"), "20099999")

    assert document.parse_status == "parsed", document.parse_error
    [row] = document.transactions
    assert {key: getattr(row, key) for key in expected} == expected
    # The built PDF draws no checkboxes, so the column is not read at all.
    assert row.cap_gains_over_200 is None


def test_an_owner_like_word_in_the_asset_column_is_part_of_the_asset() -> None:
    data = _built_ptr(
        (150, "DC Water Authority Bond [GS] P 01/02/2025 01/03/2025 $1,001 - $15,000"),
        (150, "F S: New"),
        "DC Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        (150, "F S: New"),
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    assert [(t.owner, t.asset_name) for t in document.transactions] == [
        ("self", "DC Water Authority Bond"),
        ("dependent", "Acme Corp."),
    ]


def test_an_id_in_the_id_column_is_kept_apart_from_the_owner_and_asset() -> None:
    data = _built_ptr(
        [(5, "A7"), (30, "SP"), (62, "Acme Corp. (ACME) [ST]")],
        (200, "P 01/02/2025 01/03/2025 $1,001 - $15,000"),
        "F S: New",
        "",
        [
            (18.5, "B8"),
            (62, "Beta Inc. (BETA) [ST] S 01/02/2025 01/03/2025 $1,001 - $15,000"),
        ],
        "F S: New",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    first, second = document.transactions
    assert (first.owner, first.asset_name, first.raw["id"]) == (
        "spouse",
        "Acme Corp.",
        "A7",
    )
    assert (second.owner, second.asset_name, second.raw["id"]) == (
        "self",
        "Beta Inc.",
        "B8",
    )


def test_it_splits_a_stated_name_with_a_suffix() -> None:
    document = parse_house_ptr(
        _built_ptr("Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000"),
        "20099999",
    )

    assert document.politician == StatedPolitician(
        full_name="Jane Q. Public Jr.",
        first_name="Jane",
        middle_name="Q.",
        last_name="Public",
        suffix="Jr.",
        honorific="Hon.",
        role="Representative",
        state_country="NY",
        district="03",
        chamber="house",
    )
    assert document.filing_date == D(2025, 3, 4)


@pytest.mark.parametrize(
    ("labels", "comments", "is_amendment", "amends"),
    [
        (("F S: New",), (), False, None),
        (("F S: Amended",), (), True, None),
        (
            ("F S: Amended", "C: This filing amends Filing ID #20012345."),
            (),
            True,
            "20012345",
        ),
        (
            ("F S: New",),
            ("C", "This report amends my PTR filed on 2/1/2025."),
            True,
            None,
        ),
    ],
)
def test_it_marks_amendments_and_names_the_amended_filing_only_when_stated(
    labels: tuple[str, ...],
    comments: tuple[str, ...],
    is_amendment: bool,
    amends: str | None,
) -> None:
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        *labels,
        comments=comments,
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    assert (document.is_amendment, document.amends_doc_id) == (is_amendment, amends)


def test_a_label_continues_on_the_next_line_and_the_next_row_starts_after_a_gap() -> (
    None
):
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
        "D: Bought for the",
        "trust.",
        "",
        "SP Beta Inc. (BETA)",
        "[ST]",
        (200, "S 01/02/2025 01/03/2025 $1,001 - $15,000"),
        "F S: New",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    first, second = document.transactions
    assert first.description == "Bought for the trust."
    assert (second.owner, second.asset_name, second.asset_ticker) == (
        "spouse",
        "Beta Inc.",
        "BETA",
    )


def test_an_asset_cell_that_goes_over_a_page_break_stays_with_its_row() -> None:
    data = _built_ptr(
        "SP Gamma Holdings Corporation Class B",
        "S 01/02/2025 01/03/2025 $1,001 -",
        PAGE_BREAK,
        *HEADER_LINES,
        "Common Stock (GAMB)",
        "[ST]",
        "$15,000",
        "F S: New",
        "",
        "Delta Fund [MF] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    first, second = document.transactions
    assert (first.asset_name, first.asset_ticker, first.asset_type_code) == (
        "Gamma Holdings Corporation Class B Common Stock",
        "GAMB",
        "ST",
    )
    assert (first.amount_range_min, first.amount_range_max) == (1_001, 15_000)
    assert first.raw["pages"] == [1, 2]
    assert (second.asset_name, second.owner) == ("Delta Fund", "self")


def test_a_line_set_apart_but_followed_by_a_label_is_given_back_to_its_label() -> None:
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
        "D: short",
        "",
        "rest of it",
        "L: Boston, MA, US",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    [row] = document.transactions
    assert (row.description, row.location) == ("short rest of it", "Boston, MA, US")


def test_a_label_whose_text_has_a_type_and_dates_stays_a_label() -> None:
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
        "C: Bought as P 01/02/2025 01/03/2025 in the trust.",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "parsed", document.parse_error
    [row] = document.transactions
    assert row.comment == "Bought as P 01/02/2025 01/03/2025 in the trust."


def test_a_label_given_twice_keeps_both_texts() -> None:
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
        "C: First note.",
        "C: Second note.",
    )

    document = parse_house_ptr(data, "20099999")

    [row] = document.transactions
    assert row.comment == "First note. Second note."


def test_lines_that_belong_to_no_row_fail_the_document() -> None:
    data = _built_ptr(
        "Acme Corp. (ACME) [ST] P 01/02/2025 01/03/2025 $1,001 - $15,000",
        "F S: New",
        "",
        "Orphan asset text [ST]",
    )

    document = parse_house_ptr(data, "20099999")

    assert document.parse_status == "failed"
    assert document.parse_error == (
        "the transaction table ends with lines that belong to no row: Orphan asset "
        "text [ST]"
    )


# --- the yearly index ---------------------------------------------------------------

PELOSI_ENTRY = HouseIndexEntry(
    prefix="Hon.",
    last="Pelosi",
    first="Nancy",
    suffix=None,
    filing_type="P",
    state_district="CA12",
    state="CA",
    district="12",
    year=2023,
    filing_date=D(2023, 1, 12),
    doc_id="20022260",
)
ATKINSON_ENTRY = HouseIndexEntry(
    prefix="Mr.",
    last="Atkinson",
    first="Ed Ray",
    suffix=None,
    filing_type="W",
    state_district=None,
    state=None,
    district=None,
    year=2023,
    filing_date=None,
    doc_id="8219940",
)
HOLLIER_ENTRY = HouseIndexEntry(
    prefix=None,
    last="Hollier",
    first="Adam Jacques Chester Lafayette",
    suffix=None,
    filing_type="C",
    state_district="MI13",
    state="MI",
    district="13",
    year=2023,
    filing_date=D(2024, 2, 14),
    doc_id="10056211",
)


@pytest.mark.parametrize("name", ["2023FD.xml", "2023FD.txt"])
def test_it_reads_the_whole_2023_index(fixtures: Path, name: str) -> None:
    reader = parse_index_xml if name.endswith(".xml") else parse_index_txt

    entries = reader(_house(fixtures, name))

    assert len(entries) == 1_549
    assert sum(entry.is_ptr for entry in entries) == 460
    assert entries[0] == HOLLIER_ENTRY
    assert PELOSI_ENTRY in entries
    assert ATKINSON_ENTRY in entries
    assert sum(entry.filing_date is None for entry in entries) == 9
    assert sum(entry.state_district is None for entry in entries) == 6


def test_the_xml_and_txt_indexes_agree(fixtures: Path) -> None:
    assert parse_index_xml(_house(fixtures, "2023FD.xml")) == parse_index_txt(
        _house(fixtures, "2023FD.txt")
    )


def test_it_reads_the_2025_index_zip(fixtures: Path) -> None:
    entries = read_index_zip(_house(fixtures, "2025FD.zip"))

    assert len(entries) == 123
    allen = next(entry for entry in entries if entry.doc_id == "20026537")
    assert allen == HouseIndexEntry(
        prefix="Hon.",
        last="Allen",
        first="Richard W.",
        suffix=None,
        filing_type="P",
        state_district="GA12",
        state="GA",
        district="12",
        year=2025,
        filing_date=D(2025, 1, 16),
        doc_id="20026537",
    )
    assert allen.is_ptr
    assert allen.politician() == StatedPolitician(
        full_name="Richard W. Allen",
        first_name="Richard W.",
        last_name="Allen",
        honorific="Hon.",
        role="Representative",
        state_country="GA",
        district="12",
        chamber="house",
    )


def test_an_index_entry_names_a_suffixed_filer_without_a_party() -> None:
    entry = HouseIndexEntry(
        prefix=None,
        last="Elworth",
        first="Mark",
        suffix="Jr",
        filing_type="C",
        state_district=None,
        state=None,
        district=None,
        year=2023,
        filing_date=None,
        doc_id="10055000",
    )

    assert not entry.is_ptr
    assert entry.politician() == StatedPolitician(
        full_name="Mark Elworth Jr",
        first_name="Mark",
        last_name="Elworth",
        suffix="Jr",
        role="Representative",
        chamber="house",
    )


def test_it_gives_the_url_paths_of_the_index_and_a_ptr() -> None:
    assert index_zip_path(2025) == "/public_disc/financial-pdfs/2025FD.zip"
    assert ptr_pdf_path(2025, "20026537") == "/public_disc/ptr-pdfs/2025/20026537.pdf"


ENTITY_TRICKS = [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "EXPANDED">]>'
    b"<FinancialDisclosure><Member><Last>A&x;</Last><FilingType>P</FilingType>"
    b"<DocID>1</DocID></Member></FinancialDisclosure>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<FinancialDisclosure><Member><Last>A&x;</Last><FilingType>P</FilingType>"
    b"<DocID>1</DocID></Member></FinancialDisclosure>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>'
    b"<FinancialDisclosure><Member><Last>&c;</Last><FilingType>P</FilingType>"
    b"<DocID>1</DocID></Member></FinancialDisclosure>",
]


def test_it_reads_the_predefined_entities_and_character_references() -> None:
    data = (
        b"<FinancialDisclosure><Member><Last>O&apos;Rourke &amp; S&#233;guin</Last>"
        b"<FilingType>P</FilingType><DocID>20000001</DocID></Member>"
        b"</FinancialDisclosure>"
    )

    [entry] = parse_index_xml(data)

    assert entry.last == "O'Rourke & Séguin"


@pytest.mark.parametrize("data", ENTITY_TRICKS, ids=["internal", "external", "nested"])
def test_it_refuses_an_index_that_uses_entities_without_expanding_them(
    data: bytes,
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_index_xml(data)

    assert caught.value.message == (
        "the House index XML member 1 uses an entity in Last; entities are not expanded"
    )
    assert "EXPANDED" not in caught.value.message


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "the House index TXT is empty"),
        (
            b"Prefix\tLast\r\n\tSmith\r\n",
            "the House index TXT header lacks First, Suffix, FilingType, StateDst, "
            "Year, FilingDate, DocID (it has Prefix | Last)",
        ),
        (
            b"Prefix\tLast\tFirst\tSuffix\tFilingType\tStateDst\tYear\tFilingDate\tDocID"
            b"\r\nHon.\tSmith\r\n",
            "the House index TXT line 2 has 2 cells where the header has 9",
        ),
        (
            b"Prefix\tLast\tFirst\tSuffix\tFilingType\tStateDst\tYear\tFilingDate\tDocID"
            b"\r\nHon.\tSmith\tJo\t\tP\tTX01\t2025\t1/2/2025\t\r\n",
            "the House index TXT line 2 has no DocID",
        ),
    ],
)
def test_it_refuses_a_broken_txt_index(data: bytes, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_index_txt(data)

    assert caught.value.message == error


def test_it_refuses_xml_that_is_not_an_index() -> None:
    with pytest.raises(ParseError) as caught:
        parse_index_xml(b"<html><body>Service unavailable</body></html>")

    assert caught.value.message == (
        "the House index XML's root is 'html', not 'FinancialDisclosure'"
    )


def test_it_refuses_a_corrupt_zip(fixtures: Path) -> None:
    data = _house(fixtures, "2025FD.zip")

    with pytest.raises(ParseError) as caught:
        read_index_zip(data[: len(data) // 2])

    assert caught.value.message == (
        "the House index is not a readable ZIP file (File is not a zip file)"
    )


def test_it_refuses_a_zip_whose_member_data_is_damaged(fixtures: Path) -> None:
    data = bytearray(_house(fixtures, "2025FD.zip"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("2025FD.xml")
    # Overwrite the middle of the XML's compressed bytes; the directory stays intact.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 500
    data[start : start + 300] = b"\xff" * 300

    with pytest.raises(ParseError) as caught:
        read_index_zip(bytes(data))

    assert caught.value.message.startswith(
        "the House index ZIP is corrupt: 2025FD.xml cannot be extracted ("
    )


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name.replace("_", "."), body)
    return buffer.getvalue()


def test_it_refuses_an_oversized_member_before_extracting_it() -> None:
    data = _zip(**{"2025FD_xml": b"\0" * (MAX_MEMBER_BYTES + 1)})

    with pytest.raises(ParseError) as caught:
        read_index_zip(data)

    assert caught.value.message == (
        "the House index ZIP member 2025FD.xml would extract to 67,108,865 bytes, "
        "over the 67,108,864-byte limit; refusing to extract it"
    )


def test_it_refuses_a_member_that_expands_like_a_zip_bomb() -> None:
    data = _zip(**{"2025FD_xml": b"<" * 10_000_000})

    with pytest.raises(ParseError) as caught:
        read_index_zip(data)

    assert caught.value.message.startswith("the House index ZIP member 2025FD.xml ")
    assert caught.value.message.endswith(
        "which looks like a ZIP bomb; refusing to extract it"
    )


def test_it_refuses_members_that_are_too_large_together(
    monkeypatch: pytest.MonkeyPatch, fixtures: Path
) -> None:
    monkeypatch.setattr(house, "MAX_TOTAL_BYTES", 100_000)
    body = _house(fixtures, "2023FD.txt")
    data = _zip(**{"2023FD_txt": body[:60_000], "2023FD_xml": body[:60_000]})

    with pytest.raises(ParseError) as caught:
        read_index_zip(data)

    assert caught.value.message == (
        "the House index ZIP would extract to 120,000 bytes in all, over the "
        "100,000-byte limit; refusing to extract it"
    )


def test_it_refuses_a_zip_without_an_index() -> None:
    with pytest.raises(ParseError) as caught:
        read_index_zip(_zip(readme_txt=b"hello"))

    assert caught.value.message == (
        "the House index ZIP holds no FD.xml or FD.txt (it holds readme.txt)"
    )


def test_it_reads_the_txt_when_the_zip_has_no_xml(fixtures: Path) -> None:
    data = _zip(**{"2023FD_txt": _house(fixtures, "2023FD.txt")})

    entries = read_index_zip(data)

    assert len(entries) == 1_549
    assert PELOSI_ENTRY in entries
