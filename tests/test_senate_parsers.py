"""The Senate eFD readers give what the search, report and paper pages state, and fail loudly."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from ptt.errors import FetchError
from ptt.model import ParsedDocument, StatedPolitician, Transaction
from ptt.parsing.senate import (
    SearchRow,
    find_csrf_token,
    parse_search_results,
    parse_senate_paper,
    parse_senate_ptr,
)

BOOZMAN_ID = "0677bd3f-167e-4cae-8f1d-05eb4340fcdc"
SULLIVAN_ID = "033d040a-4fe0-4d8e-a37e-355a174d0b52"
PAPER_ID = "068274e1-4b7a-4453-a242-563dde4c10d8"
HEADERS = (
    "#",
    "Transaction Date",
    "Owner",
    "Ticker",
    "Asset Name",
    "Asset Type",
    "Type",
    "Amount",
    "Comment",
)


def _senate(fixtures: Path, name: str) -> bytes:
    return (fixtures / "us_senate" / name).read_bytes()


def _boozman(fixtures: Path) -> bytes:
    return _senate(fixtures, f"ptr_{BOOZMAN_ID}.html")


def _stock_row(
    row: int,
    date: str,
    ticker: str,
    name: str,
    kind: str,
    amount: str,
) -> Transaction:
    """Return a joint stock row as both PTR fixtures write it: no comment, no details."""
    low, high = {
        "$1,001 - $15,000": (1_001, 15_000),
        "$15,001 - $50,000": (15_001, 50_000),
    }[amount]
    types = {"Purchase": "purchase", "Sale (Partial)": "sale_partial"}
    month, day, year = (int(part) for part in date.split("/"))
    return Transaction(
        row=row,
        transaction_date=dt.date(year, month, day),
        owner="joint",
        asset_name=name,
        asset_ticker=ticker,
        ticker_source="document",
        ticker_confidence=1.0,
        asset_type="Stock",
        transaction_type=types[kind],
        amount_range_min=low,
        amount_range_max=high,
        amount_text=amount,
        raw=dict(
            zip(
                HEADERS,
                (str(row), date, "Joint", ticker, name, "Stock", kind, amount, "--"),
                strict=True,
            )
        ),
    )


# Read off ptr_0677bd3f-...html, in the page's order (the site lists the rows last first).
BOOZMAN_ROWS = [
    _stock_row(8, "12/17/2025", "WFC", "Wells Fargo & Company", "Purchase", "$1,001 - $15,000"),
    _stock_row(7, "12/11/2025", "SMCI", "Super Micro Computer", "Purchase", "$1,001 - $15,000"),
    _stock_row(6, "12/24/2025", "SPYM", "State Street SPDR Portfolio S&P 500 ETF", "Purchase", "$15,001 - $50,000"),
    _stock_row(5, "12/17/2025", "MSFT", "Microsoft Corp", "Purchase", "$1,001 - $15,000"),
    _stock_row(4, "12/31/2025", "IVW", "iShares S&P 500 Growth ETF", "Purchase", "$1,001 - $15,000"),
    _stock_row(3, "12/26/2025", "IJR", "iShares Core S&P Small-Cap ETF", "Purchase", "$1,001 - $15,000"),
    _stock_row(2, "12/11/2025", "ANET", "Arista Networks, Inc. Common Stock", "Purchase", "$1,001 - $15,000"),
    _stock_row(1, "12/17/2025", "AAPL", "Apple Inc", "Purchase", "$1,001 - $15,000"),
]  # fmt: skip

# Read off ptr_033d040a-...html (the 2018-era template).
SULLIVAN_ROWS = [
    _stock_row(1, "05/22/2018", "RPM", "RPM International Inc.", "Sale (Partial)", "$1,001 - $15,000"),
]  # fmt: skip


# --- electronic PTR pages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "doc_id", "filed", "politician", "rows"),
    [
        (
            f"ptr_{BOOZMAN_ID}.html",
            BOOZMAN_ID,
            dt.date(2026, 1, 13),
            StatedPolitician(
                full_name="John Boozman",
                first_name="John",
                last_name="Boozman",
                honorific="The Honorable",
                role="Senator",
                chamber="senate",
            ),
            BOOZMAN_ROWS,
        ),
        (
            f"ptr_{SULLIVAN_ID}.html",
            SULLIVAN_ID,
            dt.date(2018, 7, 24),
            StatedPolitician(
                full_name="Daniel S Sullivan",
                first_name="Daniel",
                middle_name="S",
                last_name="Sullivan",
                honorific="The Honorable",
                role="Senator",
                chamber="senate",
            ),
            SULLIVAN_ROWS,
        ),
    ],
)
def test_it_reads_every_field_of_both_ptr_templates(
    fixtures: Path,
    name: str,
    doc_id: str,
    filed: dt.date,
    politician: StatedPolitician,
    rows: list[Transaction],
) -> None:
    url = f"https://efdsearch.senate.gov/search/view/ptr/{doc_id}/"

    document = parse_senate_ptr(_senate(fixtures, name), url=url)

    assert document == ParsedDocument(
        source="us-senate",
        doc_id=doc_id,
        parse_status="parsed",
        filing_type="PTR",
        filing_date=filed,
        politician=politician,
        transactions=rows,
        is_amendment=False,
        url=url,
    )


def test_it_prefers_the_given_document_id_over_the_url(fixtures: Path) -> None:
    document = parse_senate_ptr(_boozman(fixtures), doc_id="given-id")

    assert (document.doc_id, document.parse_status) == ("given-id", "parsed")


def test_it_fails_a_report_whose_id_is_neither_given_nor_in_the_url(
    fixtures: Path,
) -> None:
    document = parse_senate_ptr(_boozman(fixtures))

    assert document.parse_status == "failed"
    assert "doc_id" in (document.parse_error or "")


def _replace(data: bytes, pattern: str, replacement: str) -> bytes:
    text, count = re.subn(pattern, replacement, data.decode("utf-8"), flags=re.DOTALL)
    assert count == 1, f"the fixture no longer contains {pattern!r}"
    return text.encode("utf-8")


def _page_with_rows(fixtures: Path, rows: list[str]) -> bytes:
    """Return the current-template page with its table body replaced by ``rows``."""
    page = _replace(
        _boozman(fixtures), r"<tbody>.*</tbody>", f"<tbody>{''.join(rows)}</tbody>"
    )
    return _replace(
        page, r"\(8 transactions total\)", f"({len(rows)} transactions total)"
    )


def _row_html(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _parse_one(fixtures: Path, cells: list[str]) -> Transaction:
    document = parse_senate_ptr(
        _page_with_rows(fixtures, [_row_html(cells)]), BOOZMAN_ID
    )
    assert document.parse_status == "parsed", document.parse_error
    assert len(document.transactions) == 1
    return document.transactions[0]


def _cells_from_watcher_row(row: dict[str, Any]) -> list[str]:
    """Return table cells from a Senate Stock Watcher row (its asset cell is site HTML)."""
    plain = [row["transaction_date"], row["owner"], row["ticker"]]
    after = [row["asset_type"], row["type"], row["amount"], row["comment"]]
    return (
        ["1"]
        + [html.escape(v) for v in plain]
        + [row["asset_description"]]
        + [html.escape(v) for v in after]
    )


# Rows of aggregated/senate_stock_watcher_all_transactions_first300.json, by index, with
# what they state: (asset name, description, ticker, owner, type, min, max, comment).
WATCHER_CASES = [
    (17, "OWENS & MINOR", "Rate/Coupon: 3.875%; Matures: 09/15/2021", None, "spouse", "sale_full", 15_001, 50_000, None),
    (78, "XEROX CORP", "Rate/Coupon: 4.5%; Matures: 05/15/21", None, "joint", "sale_full", 1_001, 15_000, "Called bond"),
    (79, "Fortive Corporation (Exchanged) Vontier Corporation (Received)", None, "FTV", "self", "exchange", 1_001, 15_000, None),
    (87, "EMSG LLC", "Company: EMSG LLC (Rockville, MD); Description: Secured Debt", None, "self", "sale_full", 1_000_001, 5_000_000, "Underlying asset of TZG-Sachs Empire LLC"),
    (90, "CARROLL CNTY GA SCH DIST GO 5% 04/01/27 AO (MUNI)", "Rate/Coupon: 5.0%; Matures: 04/01/2027", None, "joint", "purchase", 250_001, 500_000, None),
    (271, "Intercontinental Exchange, Inc.", None, "ICE", "spouse", "sale_partial", 5_000_001, 25_000_000, "Equity pursuant to the company he founded with predetermined sale dates pursuant to SEC Rule 10b5-1 plan filed with such company"),
    (272, "W.L. Gore & Associates, Inc.", "Company: W.L. Gore & Associates, Inc. (Newark, DE); Description: Advanced materials manufacturing", None, "dependent", "sale_partial", 50_001, 100_000, "Gorfam Inc. sold stock to benefit another shareholder. Child received only funds to cover taxes."),
    (6, "msft", None, None, "spouse", "purchase", 15_001, 50_000, "sep"),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "index",
        "name",
        "description",
        "ticker",
        "owner",
        "kind",
        "low",
        "high",
        "comment",
    ),
    WATCHER_CASES,
)
def test_it_keeps_asset_names_clean_and_bond_and_company_details_in_the_description(
    fixtures: Path,
    index: int,
    name: str,
    description: str | None,
    ticker: str | None,
    owner: str,
    kind: str,
    low: int,
    high: int,
    comment: str | None,
) -> None:
    watcher = (
        fixtures / "aggregated" / "senate_stock_watcher_all_transactions_first300.json"
    )
    row = json.loads(watcher.read_text())[index]

    transaction = _parse_one(fixtures, _cells_from_watcher_row(row))

    assert (
        transaction.asset_name,
        transaction.description,
        transaction.asset_ticker,
        transaction.owner,
        transaction.transaction_type,
        transaction.amount_range_min,
        transaction.amount_range_max,
        transaction.comment,
        transaction.asset_type,
        transaction.option_type,
        transaction.option_underlying,
    ) == (
        name,
        description,
        ticker,
        owner,
        kind,
        low,
        high,
        comment,
        row["asset_type"],
        None,
        None,
    )


@pytest.mark.parametrize(
    ("index", "raw"),
    [(17, "OWENS & MINOR\nRate/Coupon: 3.875%\nMatures: 09/15/2021"),
     (79, "Fortive Corporation (Exchanged)\nVontier Corporation (Received)"),
     (87, "EMSG LLC\nCompany: EMSG LLC (Rockville, MD)\nDescription: Secured Debt")],
)  # fmt: skip
def test_it_keeps_the_asset_cell_line_by_line_in_the_raw_row(
    fixtures: Path, index: int, raw: str
) -> None:
    watcher = (
        fixtures / "aggregated" / "senate_stock_watcher_all_transactions_first300.json"
    )
    row = json.loads(watcher.read_text())[index]

    transaction = _parse_one(fixtures, _cells_from_watcher_row(row))

    assert transaction.raw["Asset Name"] == raw


# The option block is not in the fixtures; this is its form as other trackers of the site
# report it ("Option Type:" plain, then labelled strike and expiry), in both date styles.
OPTION_CASES = [
    (
        'Williams Companies, Inc. (The) Common Stock\n<div class="text-muted">Option Type: '
        "Call <br/><em>Strike price:</em> $75.00\n<br>\n<em>Expires:</em> 2026-08-21\n</div>",
        '<a href="https://finance.yahoo.com/quote/WMB" target="_blank">WMB</a>',
        "Williams Companies, Inc. (The) Common Stock",
        "call",
        75.0,
        dt.date(2026, 8, 21),
        "WMB",
    ),
    (
        'Apple Inc <div class="text-muted">Option Type: Put<br> <em>Strike price:</em> '
        "1,150.50<br> <em>Expires:</em> 01/17/2025</div>",
        "--",
        "Apple Inc",
        "put",
        1150.5,
        dt.date(2025, 1, 17),
        "Apple Inc",
    ),
]


@pytest.mark.parametrize(
    ("asset", "ticker_cell", "name", "kind", "strike", "expiry", "underlying"),
    OPTION_CASES,
)
def test_it_reads_option_type_strike_and_expiry_out_of_the_asset_name(
    fixtures: Path,
    asset: str,
    ticker_cell: str,
    name: str,
    kind: str,
    strike: float,
    expiry: dt.date,
    underlying: str,
) -> None:
    cells = ["4", "08/20/2026", "Joint", ticker_cell, asset, "Stock Option", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$15,001 - $50,000", "--"])

    assert (
        transaction.asset_name,
        transaction.option_type,
        transaction.option_strike,
        transaction.option_expiry,
        transaction.option_underlying,
        transaction.description,
        transaction.asset_type,
        transaction.transaction_date,
    ) == (
        name,
        kind,
        strike,
        expiry,
        underlying,
        None,
        "Stock Option",
        dt.date(2026, 8, 20),
    )


def test_it_keeps_an_option_line_it_cannot_read_in_the_description(
    fixtures: Path,
) -> None:
    asset = 'Apple Inc <div class="text-muted">Option Type: Call<br> <em>Strike price:</em> see note</div>'
    cells = ["1", "01/02/2025", "Self", "AAPL", asset, "Stock Option", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert (transaction.option_type, transaction.option_strike) == ("call", None)
    assert transaction.description == "Strike price: see note"


@pytest.mark.parametrize(
    ("owner", "expected"),
    [("Self", "self"), ("Spouse", "spouse"), ("Joint", "joint"), ("Child", "dependent"),
     ("Child (Dependent)", "dependent"), ("Dependent Child", "dependent"), ("--", None),
     ("Trustee", None)],
)  # fmt: skip
def test_it_maps_owners_to_the_four_owner_words(
    fixtures: Path, owner: str, expected: str | None
) -> None:
    cells = ["1", "01/02/2025", owner, "AAPL", "Apple Inc", "Stock", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert transaction.owner == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("Purchase", "purchase"), ("Sale (Full)", "sale_full"), ("Sale (Partial)", "sale_partial"),
     ("Sale", "sale"), ("Exchange", "exchange"), ("N/A", None), ("Gift", None)],
)  # fmt: skip
def test_it_maps_transaction_types(
    fixtures: Path, kind: str, expected: str | None
) -> None:
    cells = ["1", "01/02/2025", "Self", "AAPL", "Apple Inc", "Stock", kind]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert transaction.transaction_type == expected


@pytest.mark.parametrize(
    ("amount", "low", "high", "text"),
    [("$1,001 - $15,000", 1_001, 15_000, "$1,001 - $15,000"),
     ("$25,000,001 - $50,000,000", 25_000_001, 50_000_000, "$25,000,001 - $50,000,000"),
     ("Over $50,000,000", 50_000_001, None, "Over $50,000,000"),
     ("Spouse/DC Over $1,000,000", 1_000_001, None, "Spouse/DC Over $1,000,000"),
     ("$12,345", 12_345, 12_345, "$12,345"),
     ("$1,234.56", 1_234, 1_235, "$1,234.56"),
     ("Unknown", None, None, "Unknown"),
     ("--", None, None, None)],
)  # fmt: skip
def test_it_reads_amount_bands_without_inventing_bounds(
    fixtures: Path, amount: str, low: int | None, high: int | None, text: str | None
) -> None:
    cells = ["1", "01/02/2025", "Self", "AAPL", "Apple Inc", "Stock", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, html.escape(amount), "--"])

    assert (
        transaction.amount_range_min,
        transaction.amount_range_max,
        transaction.amount_text,
    ) == (low, high, text)


@pytest.mark.parametrize(
    ("ticker_cell", "ticker"),
    [("--", None), ("BRK.B", "BRK.B"), ("brk-b", "BRK.B"), ("Apple Inc", None)],
)
def test_it_takes_only_stated_tickers(
    fixtures: Path, ticker_cell: str, ticker: str | None
) -> None:
    cells = ["1", "01/02/2025", "Self", ticker_cell, "Some Asset", "Stock", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert transaction.asset_ticker == ticker
    assert transaction.ticker_source == ("document" if ticker else None)
    assert transaction.ticker_confidence == (1.0 if ticker else None)


def test_it_warns_about_an_unknown_owner_naming_the_report_and_row(
    fixtures: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cells = ["3", "01/02/2025", "Trustee", "AAPL", "Apple Inc", "Stock", "Purchase"]

    with caplog.at_level(logging.WARNING, logger="ptt.parsing.senate"):
        _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert caplog.messages == [
        f"Senate report {BOOZMAN_ID} row 3 has the unknown owner 'Trustee'; left empty"
    ]


def test_it_leaves_an_unreadable_transaction_date_empty_and_keeps_it_raw(
    fixtures: Path,
) -> None:
    cells = ["1", "2025-13-45", "Self", "AAPL", "Apple Inc", "Stock", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert transaction.transaction_date is None
    assert transaction.raw["Transaction Date"] == "2025-13-45"


# The header template puts the first name on the honorific's line, then the middle and
# last names, then a suffix line (empty in both fixtures), then the display name.
@pytest.mark.parametrize(
    ("header", "full", "first", "middle", "last", "suffix"),
    [("The Honorable A. Mitchell\n McConnell\n Jr.\n (McConnell, A. Mitchell Jr.)",
      "A. Mitchell McConnell Jr.", "A. Mitchell", None, "McConnell", "Jr."),
     ("The Honorable William\n F Hagerty\n IV\n (Hagerty, Bill)",
      "William F Hagerty IV", "William", "F", "Hagerty", "IV"),
     ("The Honorable Angus\n S King, Jr.\n (King, Angus)",
      "Angus S King, Jr.", "Angus", "S", "King", "Jr."),
     ("The Honorable Chris Van Hollen (Van Hollen, Chris)",
      "Chris Van Hollen", "Chris", None, "Van Hollen", None)],
)  # fmt: skip
def test_it_splits_the_filer_named_in_the_page_header(
    fixtures: Path,
    header: str,
    full: str,
    first: str,
    middle: str | None,
    last: str,
    suffix: str | None,
) -> None:
    page = _replace(
        _boozman(fixtures),
        r'(<h2 class="filedReport">).*?(</h2>)',
        rf"\g<1>{header}\g<2>",
    )

    politician = parse_senate_ptr(page, BOOZMAN_ID).politician

    assert politician is not None
    assert (
        politician.full_name,
        politician.first_name,
        politician.middle_name,
        politician.last_name,
        politician.suffix,
    ) == (full, first, middle, last, suffix)


def test_it_marks_an_amended_report(fixtures: Path) -> None:
    page = _replace(
        _boozman(fixtures),
        r"Periodic Transaction Report\s+for 01/13/2026",
        "Periodic Transaction Report (Amendment) for 01/13/2026",
    )

    document = parse_senate_ptr(page, BOOZMAN_ID)

    assert (document.parse_status, document.is_amendment) == ("parsed", True)
    assert len(document.transactions) == 8


AGREEMENT_PAGE = b"""<!DOCTYPE html><html><body><main>
<h1>Financial Disclosure Search</h1>
<form method="post" action="/search/home/">
<input type="hidden" name="csrfmiddlewaretoken" value="abc123">
<input type="checkbox" name="prohibition_agreement" value="1" id="agree_statement">
<label for="agree_statement">I understand the prohibitions on obtaining and use of
financial disclosure reports.</label></form></main></body></html>"""


def _without_table(data: bytes) -> bytes:
    return _replace(data, r'<section class="card">.*</section>', "")


def _without_amount_column(data: bytes) -> bytes:
    page = _replace(data, r'<th scope="col">Amount</th>', "")
    return page.replace(b"<td>$1,001 - $15,000</td>", b"").replace(
        b"<td>$15,001 - $50,000</td>", b""
    )


def _one_row_removed(data: bytes) -> bytes:
    return _replace(data, r"<tr>\s*<td>8</td>.*?</tr>", "")


def _short_row(data: bytes) -> bytes:
    return _replace(data, r"(<td>8</td>.*?)<td>--</td>", r"\1")


def _annual_report(data: bytes) -> bytes:
    return _replace(
        data, r"Periodic Transaction Report\s+for", "Annual Report for CY 2025 for"
    )


def _bad_row_number(data: bytes) -> bytes:
    return _replace(data, r"<td>8</td>", "<td>eight</td>")


def _repeated_row_number(data: bytes) -> bytes:
    return _replace(data, r"<td>8</td>", "<td>7</td>")


def _repeated_column(data: bytes) -> bytes:
    return _replace(data, r'<th scope="col">Comment</th>', '<th scope="col">Owner</th>')


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [(_without_table, "failed", "no transaction table"),
     (lambda data: AGREEMENT_PAGE, "failed", "usage agreement"),
     (lambda data: b"", "failed", "empty"),
     (lambda data: b"   \n", "failed", "empty"),
     (_without_amount_column, "failed", "lacks the column(s) Amount"),
     (_one_row_removed, "failed", "says it lists 8 transaction(s) but its table has 7"),
     (_short_row, "failed", "row 1 has 8 cells where the table has 9 columns"),
     (_bad_row_number, "failed", "'eight' in its # column"),
     (_repeated_row_number, "failed", "numbers more than one row 7"),
     (_repeated_column, "failed", "repeats the column(s) Owner"),
     (_annual_report, "not_a_transaction_report", "not 'Periodic Transaction Report'")],
)  # fmt: skip
def test_it_fails_a_report_page_it_cannot_trust_and_says_why(
    fixtures: Path, change: Any, status: str, reason: str
) -> None:
    document = parse_senate_ptr(change(_boozman(fixtures)), BOOZMAN_ID)

    assert document.parse_status == status
    assert reason in (document.parse_error or "")
    assert document.transactions == []


def test_it_fails_the_paper_viewer_given_as_an_electronic_report(
    fixtures: Path,
) -> None:
    document = parse_senate_ptr(_senate(fixtures, f"paper_{PAPER_ID}.html"), PAPER_ID)

    assert document.parse_status == "failed"
    assert "no report heading" in (document.parse_error or "")


def test_it_fails_a_table_without_rows_when_the_page_states_no_count(
    fixtures: Path,
) -> None:
    page = _replace(_without_rows(fixtures), r"\(0 transactions total\)", "")

    document = parse_senate_ptr(page, BOOZMAN_ID)

    assert document.parse_status == "failed"
    assert "has no rows" in (document.parse_error or "")


def test_it_accepts_an_empty_table_when_the_page_states_zero_transactions(
    fixtures: Path,
) -> None:
    document = parse_senate_ptr(_without_rows(fixtures), BOOZMAN_ID)

    assert (document.parse_status, document.transactions) == ("parsed", [])


def _without_rows(fixtures: Path) -> bytes:
    return _page_with_rows(fixtures, [])


# --- paper filings --------------------------------------------------------------------

PAPER_IMAGES = [
    f"https://efd-media-public.senate.gov/media/2026/2/000/000/0000000{n}.gif"
    for n in (24, 25, 26, 27, 28)
]


def test_it_marks_a_paper_filing_as_needing_ocr_with_its_page_images(
    fixtures: Path,
) -> None:
    url = f"https://efdsearch.senate.gov/search/view/paper/{PAPER_ID}/"

    document = parse_senate_paper(_senate(fixtures, f"paper_{PAPER_ID}.html"), url=url)

    assert document == ParsedDocument(
        source="us-senate",
        doc_id=PAPER_ID,
        parse_status="needs_ocr",
        parse_error="scanned paper filing of 5 page image(s) with no text; it needs OCR",
        page_image_urls=PAPER_IMAGES,
        url=url,
    )


def test_it_finds_the_paper_filing_id_in_its_printer_link(fixtures: Path) -> None:
    document = parse_senate_paper(_senate(fixtures, f"paper_{PAPER_ID}.html"))

    assert (document.doc_id, document.parse_status) == (PAPER_ID, "needs_ocr")
    assert document.page_image_urls == PAPER_IMAGES


def test_it_makes_relative_page_images_absolute_against_the_page_url(
    fixtures: Path,
) -> None:
    page = _senate(fixtures, f"paper_{PAPER_ID}.html").replace(
        b"https://efd-media-public.senate.gov/media/", b"/media/"
    )

    relative = parse_senate_paper(page, PAPER_ID)
    absolute = parse_senate_paper(
        page,
        PAPER_ID,
        url=f"https://efdsearch.senate.gov/search/view/paper/{PAPER_ID}/",
    )

    assert relative.page_image_urls[0] == "/media/2026/2/000/000/000000024.gif"
    assert absolute.page_image_urls == [
        url.replace("efd-media-public", "efdsearch") for url in PAPER_IMAGES
    ]


@pytest.mark.parametrize(
    ("page", "reason"),
    [(AGREEMENT_PAGE, "usage agreement"),
     (b"", "empty"),
     (b"<html><body><h1>Filing</h1><p>Nothing here</p></body></html>", "no page images")],
)  # fmt: skip
def test_it_fails_a_paper_page_without_page_images(page: bytes, reason: str) -> None:
    document = parse_senate_paper(page, PAPER_ID)

    assert document.parse_status == "failed"
    assert reason in (document.parse_error or "")
    assert document.page_image_urls == []


# --- search results -------------------------------------------------------------------


def test_it_reads_all_search_rows_with_their_report_kind(fixtures: Path) -> None:
    page = parse_search_results(_senate(fixtures, "search_report_data.json"))

    assert (page.records_total, page.records_filtered, len(page.rows)) == (135, 135, 35)
    assert [row.doc_id for row in page.rows if row.report_kind == "paper"] == [
        PAPER_ID,
        "f873aeb4-adbb-4934-a188-79416a2e4c76",
    ]
    assert {row.report_kind for row in page.rows} == {"ptr", "paper"}
    assert not any(row.is_amendment for row in page.rows)
    assert sum(row.doc_id == BOOZMAN_ID for row in page.rows) == 1


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0, SearchRow(first_name="John", last_name="Fetterman", office="Fetterman, John (Senator)",
                   report_url="/search/view/ptr/f7a22ac4-87ea-46e3-9303-c84d8b1ed6e0/",
                   report_kind="ptr", doc_id="f7a22ac4-87ea-46e3-9303-c84d8b1ed6e0",
                   title="Periodic Transaction Report for 03/05/2026", is_amendment=False,
                   filing_date=dt.date(2026, 3, 5))),
     (1, SearchRow(first_name="David H", last_name="McCormick",
                   office="McCormick, David H. (Senator)",
                   report_url="/search/view/ptr/a27cbd70-4bc0-4e69-a444-387de64d14f8/",
                   report_kind="ptr", doc_id="a27cbd70-4bc0-4e69-a444-387de64d14f8",
                   title="Periodic Transaction Report for 03/05/2026", is_amendment=False,
                   filing_date=dt.date(2026, 3, 4))),
     (4, SearchRow(first_name="William F", last_name="Hagerty", suffix="IV",
                   office="Hagerty, Bill (Senator)",
                   report_url="/search/view/ptr/12848a78-c94a-4813-9051-5b3063c718a9/",
                   report_kind="ptr", doc_id="12848a78-c94a-4813-9051-5b3063c718a9",
                   title="Periodic Transaction Report for 03/02/2026", is_amendment=False,
                   filing_date=dt.date(2026, 3, 2))),
     (11, SearchRow(first_name="RICHARD", last_name="BLUMENTHAL", office="Senator",
                    report_url=f"/search/view/paper/{PAPER_ID}/", report_kind="paper",
                    doc_id=PAPER_ID, title="Periodic Transaction Report for 02/12/2026",
                    is_amendment=False, filing_date=dt.date(2026, 2, 12))),
     (19, SearchRow(first_name="Angus S", last_name="King", suffix="Jr.",
                    office="King, Angus (Senator)",
                    report_url="/search/view/ptr/d7cae837-f73c-4eb1-b9fb-e510f53d65de/",
                    report_kind="ptr", doc_id="d7cae837-f73c-4eb1-b9fb-e510f53d65de",
                    title="Periodic Transaction Report for 01/26/2026", is_amendment=False,
                    filing_date=dt.date(2026, 1, 26))),
     (26, SearchRow(first_name="A. Mitchell", last_name="McConnell", suffix="Jr.",
                    office="McConnell, A. Mitchell Jr. (Senator)",
                    report_url="/search/view/ptr/a71d2e2b-337a-4d0f-bf2f-a4c9a0c1f6dc/",
                    report_kind="ptr", doc_id="a71d2e2b-337a-4d0f-bf2f-a4c9a0c1f6dc",
                    title="Periodic Transaction Report for 01/13/2026", is_amendment=False,
                    filing_date=dt.date(2026, 1, 13))),
     (28, SearchRow(first_name="John", last_name="Boozman", office="Boozman, John (Senator)",
                    report_url=f"/search/view/ptr/{BOOZMAN_ID}/", report_kind="ptr",
                    doc_id=BOOZMAN_ID, title="Periodic Transaction Report for 01/13/2026",
                    is_amendment=False, filing_date=dt.date(2026, 1, 13)))],
)  # fmt: skip
def test_it_reads_every_field_of_search_rows(
    fixtures: Path, index: int, expected: SearchRow
) -> None:
    page = parse_search_results(_senate(fixtures, "search_report_data.json"))

    assert page.rows[index] == expected


def _search_body(rows: list[Any], **extra: Any) -> bytes:
    body = {"draw": 1, "recordsTotal": len(rows), "recordsFiltered": len(rows)}
    body.update({"data": rows, "result": "ok"}, **extra)
    return json.dumps(body).encode()


AMENDED_ROW = [
    "Katie ",
    "Britt",
    "Britt, Katie (Senator)",
    '<a href="/search/view/ptr/37900303-65bf-467d-962b-76555d510b28/" '
    'target="_blank">Periodic Transaction Report (Amendment) for 01/29/2026</a>',
    "01/30/2026",
]


def test_it_marks_amendments_in_search_rows() -> None:
    page = parse_search_results(_search_body([AMENDED_ROW]))

    assert page.rows[0].is_amendment
    assert page.rows[0].first_name == "Katie"
    assert page.rows[0].filing_date == dt.date(2026, 1, 30)


def test_it_reads_an_empty_result_page_as_no_rows() -> None:
    page = parse_search_results(_search_body([]))

    assert (page.records_total, page.rows) == (0, [])


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"<!DOCTYPE html><html><body>Agreement</body></html>", "not JSON"),
     (b"", "not JSON"),
     (b'{"result": "error"}', "result='error'"),
     (b'{"result": "ok", "recordsTotal": 0, "recordsFiltered": 0}', "no 'data'"),
     (b'["ok"]', "not an object"),
     (_search_body([], recordsTotal="many"), "'recordsTotal' is 'many'"),
     (_search_body([AMENDED_ROW[:4]]), "row 1 is not a list of five cells"),
     (_search_body([[*AMENDED_ROW[:3], "Periodic Transaction Report", "01/30/2026"]]),
      "no report link"),
     (_search_body([[*AMENDED_ROW[:3], '<a href="/search/home/">x</a>', "01/30/2026"]]),
      "not to a /search/view/<kind>/<id>/ report page"),
     (_search_body([[*AMENDED_ROW[:4], "2026-01-30"]]), "the date '2026-01-30'"),
     (_search_body([["Katie", " ", *AMENDED_ROW[2:]]]), "no last name"),
     (_search_body([[*AMENDED_ROW[:4], None]]), "not text")],
)  # fmt: skip
def test_it_rejects_search_answers_that_would_hide_filings(
    body: bytes, reason: str
) -> None:
    with pytest.raises(FetchError) as error:
        parse_search_results(body)

    assert "reading the eFD search results" in error.value.message
    assert reason in error.value.message


# --- the CSRF token -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "token"),
    [(AGREEMENT_PAGE, "abc123"),
     (b"<form><input type='hidden' name='csrfmiddlewaretoken' value=' t0k3n '></form>",
      "t0k3n"),
     (b"<form><input type='hidden' name='other' value='x'></form>", None),
     (b"<form><input type='hidden' name='csrfmiddlewaretoken' value=''></form>", None),
     (b"", None)],
)  # fmt: skip
def test_it_finds_the_csrf_token_of_the_search_form(
    page: bytes, token: str | None
) -> None:
    assert find_csrf_token(page) == token


def test_a_transaction_dated_in_an_impossible_year_keeps_no_date(
    fixtures: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cells = ["1", "02/02/2202", "Self", "AAPL", "Apple Inc", "Stock", "Purchase"]

    transaction = _parse_one(fixtures, [*cells, "$1,001 - $15,000", "--"])

    assert transaction.transaction_date is None
    assert "'02/02/2202', not an MM/DD/YYYY date of 1990-2099" in caplog.text
