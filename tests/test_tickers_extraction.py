"""Tickers are taken only where a document states them; option terms as stated."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ptt.parsing.california import parse_form700_csv
from ptt.parsing.house import parse_house_ptr
from ptt.parsing.senate import parse_senate_ptr
from ptt.parsing.stock_watcher import parse_senate_stock_watcher
from ptt.parsing.tickers import (
    OptionTerms,
    is_cusip,
    is_isin,
    normalize_ticker,
    parse_option,
    read_option_line,
    split_asset,
    ticker_after_exchange,
)

# Asset texts as the House PTR PDFs in the fixtures print them (lines joined), with the
# owner code in front where the row has one, and the false positives of earlier
# trackers. Columns: text, name, ticker, cusip, type code.
HOUSE_ASSETS = [
    ("SP Alphabet Inc. - Class A (GOOGL) [ST]", "SP Alphabet Inc. - Class A", "GOOGL", None, "ST"),
    ("Alphabet Inc. - Class A (GOOGL) [ST]", "Alphabet Inc. - Class A", "GOOGL", None, "ST"),
    ("Alliance Bernstein Holding L.P. Units [OL]", "Alliance Bernstein Holding L.P. Units", None, None, "OL"),
    ("Netflix, Inc. (NFLX) [ST]", "Netflix, Inc.", "NFLX", None, "ST"),
    ("PayPal Holdings, Inc. (PYPL) [ST]", "PayPal Holdings, Inc.", "PYPL", None, "ST"),
    ("REOF XX, LLC [AB]", "REOF XX, LLC", None, None, "AB"),
    ("SP REOF XX, LLC [AB]", "SP REOF XX, LLC", None, None, "AB"),
    ("Roblox Corporation Class A (RBLX)\n[ST]", "Roblox Corporation Class A", "RBLX", None, "ST"),
    ("Salesforce, Inc. (CRM) [OP]", "Salesforce, Inc.", "CRM", None, "OP"),
    ("Walt Disney Company (DIS) [ST]", "Walt Disney Company", "DIS", None, "ST"),
    ("Rollins, Inc. Common Stock (ROL)\n[ST]", "Rollins, Inc. Common Stock", "ROL", None, "ST"),
    ("US TREASU NOTE 4.375% DUE\n12/15/26 (91282CJP7) [GS]", "US TREASU NOTE 4.375% DUE 12/15/26", None, "91282CJP7", "GS"),
    ("US TREASURY BILL DUE 03/20/25\n(912797KJ5) [GS]", "US TREASURY BILL DUE 03/20/25", None, "912797KJ5", "GS"),
    ("US TREASURY NOTE 4.25% DUE\n12/31/25 (91282CJS1) [GS]", "US TREASURY NOTE 4.25% DUE 12/31/25", None, "91282CJS1", "GS"),
    ("Planet Labs PBC Class A Common\nStock (PL) [ST]", "Planet Labs PBC Class A Common Stock", "PL", None, "ST"),
    ("GSK plc American Depositary Shares\n(GSK) [ST]", "GSK plc American Depositary Shares", "GSK", None, "ST"),
    ("United States Treasury Note 4.25% (91282CJP7) [GS]", "United States Treasury Note 4.25%", None, "91282CJP7", "GS"),
    ("Berkshire Hathaway Inc. (BRK-B) [ST]", "Berkshire Hathaway Inc.", "BRK.B", None, "ST"),
    ("Brown-Forman Corporation Class B (BF.B) [ST]", "Brown-Forman Corporation Class B", "BF.B", None, "ST"),
    ("Brown-Forman Corporation Class B (BF-B) [ST]", "Brown-Forman Corporation Class B", "BF.B", None, "ST"),
    ("Vanguard Target Retirement 2035 Fund [MF]", "Vanguard Target Retirement 2035 Fund", None, None, "MF"),
    ("Pineapple Energy Inc. [ST]", "Pineapple Energy Inc.", None, None, "ST"),
    ("Meta Materials Inc [ST]", "Meta Materials Inc", None, None, "ST"),
    ("US Treasury Note [GS]", "US Treasury Note", None, None, "GS"),
    ("Apple Hospitality REIT, Inc. [RE]", "Apple Hospitality REIT, Inc.", None, None, "RE"),
    ("Apple Hospitality REIT (REIT) [ST]", "Apple Hospitality REIT (REIT)", None, None, "ST"),
    ("Some Trust (Family) [TR]", "Some Trust (Family)", None, None, "TR"),
    ("Roth IRA (SP)", "Roth IRA (SP)", None, None, None),
    ("Brokerage account (JT) [BK]", "Brokerage account (JT)", None, None, "BK"),
    ("Roth IRA (SP) [IR]", "Roth IRA (SP)", None, None, "IR"),
    ("Dakota Gold Corp (DC) [ST]", "Dakota Gold Corp", "DC", None, "ST"),
    ("CARROLL CNTY GA SCH DIST GO 5% 04/01/27 AO (MUNI)", "CARROLL CNTY GA SCH DIST GO 5% 04/01/27 AO (MUNI)", None, None, None),
    ("Apple Inc. (US0378331005) [ST]", "Apple Inc.", None, None, "ST"),
    ("Colgate-Palmolive Company (CL) [ST]", "Colgate-Palmolive Company", "CL", None, "ST"),
    ("Sea Limited (SE) [ST]", "Sea Limited", "SE", None, "ST"),
    ("Some Holding Co (CL)", "Some Holding Co (CL)", None, None, None),
    ("Vanguard Total Stock Market (ETF) [EF]", "Vanguard Total Stock Market (ETF)", None, None, "EF"),
    ("Berkshire Hathaway (NYSE: BRK.B)", "Berkshire Hathaway", "BRK.B", None, None),
    ("Apple Inc (AAPL)", "Apple Inc", "AAPL", None, None),
    ("[ST]", "", None, None, "ST"),
    ("ST", "ST", None, None, None),
    ("GS", "GS", None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "name", "ticker", "cusip", "code"), HOUSE_ASSETS)
def test_it_splits_house_asset_texts(
    text: str, name: str, ticker: str | None, cusip: str | None, code: str | None
) -> None:
    parts = split_asset(text)

    assert (parts.name, parts.ticker, parts.cusip, parts.type_code) == (
        name,
        ticker,
        cusip,
        code,
    )


def test_it_keeps_an_isin_in_its_own_column() -> None:
    parts = split_asset("Apple Inc. (US0378331005) [ST]")

    assert (parts.ticker, parts.isin) == (None, "US0378331005")


def _house_pdf_assets(fixtures: Path) -> list[str]:
    """Return every text of a House PTR fixture that ends in an asset-type code."""
    texts = []
    for path in sorted((fixtures / "us_house" / "ptr-pdfs").glob("2*.pdf")):
        pdf = pdfium.PdfDocument(path)
        for page in pdf:
            text = page.get_textpage().get_text_range()
            for line in text.replace("\x00", "").replace("\ufffe", "").splitlines():
                if "[" in line and "]" in line and not line.startswith("*"):
                    # The row goes on with its type, dates and amount after the code.
                    texts.append(line[: line.index("]") + 1])
    return texts


def test_no_house_fixture_asset_yields_a_code_or_owner_as_a_ticker(
    fixtures: Path,
) -> None:
    texts = _house_pdf_assets(fixtures)
    tickers = {split_asset(t).ticker for t in texts}

    assert len(texts) >= 15
    # Wrapped rows put "(GSK) [ST]" or "Stock (PL) [ST]" on a line of their own.
    stated = {"GOOGL", "NFLX", "PYPL", "CRM", "TSLA", "DIS", "GSK", "PL"}
    assert tickers == {None} | stated


@pytest.mark.parametrize(
    ("text", "expected"),
    [("--", None), ("", None), ("aapl", "AAPL"), ("BF-B", "BF.B"), ("BRK/B", "BRK.B"),
     ("brk.b", "BRK.B"), (" $TSLA ", "TSLA"), ("N/A", None), ("Apple Inc", None),
     ("TOOLONGX", None), ("AB1", None), (None, None)],
)  # fmt: skip
def test_it_normalizes_stated_tickers(text: str | None, expected: str | None) -> None:
    assert normalize_ticker(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Google (NYSE=goog) Tech Company", "GOOG"), ("Google (NYSE=googl) Tech Company", "GOOGL"),
     ("listed on Nasdaq: AAPL", "AAPL"), ("NYSE Arca: SPY", "SPY"),
     ("Internet search & advertising", None), ("Telecommunications", None), (None, None),
     ("NYSE listed", None)],
)  # fmt: skip
def test_it_reads_a_ticker_after_an_exchange_name(
    text: str | None, expected: str | None
) -> None:
    assert ticker_after_exchange(text) == expected


def test_it_checks_identifier_check_digits() -> None:
    assert is_cusip("91282CJP7")
    assert is_cusip("912797KJ5")
    assert not is_cusip("91282CJP8")
    assert not is_cusip("3133EMBH")
    assert is_isin("US0378331005")
    assert not is_isin("US0378331006")


def test_senate_pages_give_their_ticker_column_as_document_tickers(
    fixtures: Path,
) -> None:
    stated = []
    for path in sorted((fixtures / "us_senate").glob("ptr_*.html")):
        document = parse_senate_ptr(path.read_bytes(), url=path.name)
        stated += [
            (t.asset_ticker, t.ticker_source, t.ticker_confidence)
            for t in document.transactions
        ]

    assert ("SMCI", "document", 1.0) in stated
    assert ("RPM", "document", 1.0) in stated
    assert len(stated) == 9
    assert all(source == "document" and conf == 1.0 for _, source, conf in stated)


def test_stock_watcher_rows_keep_dashes_as_no_ticker_and_state_the_rest(
    fixtures: Path,
) -> None:
    path = (
        fixtures / "aggregated" / "senate_stock_watcher_all_transactions_first300.json"
    )
    rows = json.loads(path.read_bytes())
    documents = parse_senate_stock_watcher(path.read_bytes())
    transactions = [t for d in documents for t in d.transactions]
    by_raw = {(t.raw["ticker"], t.raw["asset_description"]): t for t in transactions}

    assert by_raw[("BRK-B", "Berkshire Hathaway Inc.")].asset_ticker == "BRK.B"
    assert by_raw[("RDS-B", "Royal Dutch Shell plc")].asset_ticker == "RDS.B"
    assert by_raw[("--", "msft")].asset_ticker is None
    assert by_raw[("--", "msft")].ticker_source is None
    stated = [t for t in transactions if t.asset_ticker]
    assert len(stated) == sum(1 for r in rows if r["ticker"] not in ("--", "N/A"))
    assert all(t.ticker_confidence == 1.0 for t in stated)


def test_california_rows_state_a_ticker_only_with_an_exchange(fixtures: Path) -> None:
    path = fixtures / "california" / "form700_schedule_a1_first300.csv"
    documents = parse_form700_csv(path.read_bytes())
    tickers = {
        t.asset_name: t.asset_ticker
        for d in documents
        for t in d.transactions
        if t.asset_ticker
    }
    names = {row["name"] for row in csv.DictReader(path.open(encoding="utf-8"))}

    alphabet = sorted(
        (t.description or "", t.asset_ticker or "")
        for d in documents
        for t in d.transactions
        if t.asset_name == "Alphabet"
    )
    assert set(tickers.values()) <= {"GOOG", "GOOGL"}
    # Each row's own statement: the class it names, and none where it names none.
    assert alphabet == [
        ("Google (NYSE=goog) Tech Company", "GOOG"),
        ("Google (NYSE=goog) Tech Company", "GOOG"),
        ("Google (NYSE=googl) Tech Company", "GOOGL"),
        ("Internet Search", ""),
        ("Internet search & advertising", ""),
        ("Internet search & advertising", ""),
    ]
    assert {"XLM", "IBM", "UPS"} <= names
    assert "XLM" not in tickers


PELOSI_CRM = (
    "Sold 130 call options purchased 12/20/21 with a strike price of $210 and an "
    "expiration date of 1/20/23."
)
OPTIONS = [
    ("Salesforce, Inc. (CRM) [OP]", PELOSI_CRM, OptionTerms("call", 210.0, dt.date(2023, 1, 20), "CRM", 130)),
    ("Apple Inc. (AAPL) [OP]", "10 call options with a strike price of $150 and an expiration date of 1/17/2025",
     OptionTerms("call", 150.0, dt.date(2025, 1, 17), "AAPL", 10)),
    ("Alphabet Inc. - Class A (GOOGL) [OP]", "Purchased 20 call options with a strike price of $1,000 and an expiration date of 6/18/2021.",
     OptionTerms("call", 1000.0, dt.date(2021, 6, 18), "GOOGL", 20)),
    ("Tesla, Inc. (TSLA) [OP]", "Exercised 5 put options, strike $250.50, expiring 2024-03-15",
     OptionTerms("put", 250.5, dt.date(2024, 3, 15), "TSLA", 5)),
    ("NVIDIA Corporation (NVDA) [OP]", "Bought 50 calls expiring Jan 17, 2025 at a strike price of $120",
     OptionTerms("call", 120.0, dt.date(2025, 1, 17), "NVDA", 50)),
    ("AAPL250117C00150000", None, OptionTerms("call", 150.0, dt.date(2025, 1, 17), "AAPL", None)),
    ("Microsoft Corp", "Option Type: Call; Strike price: $300.00; Expires: 01/19/2024",
     OptionTerms("call", 300.0, dt.date(2024, 1, 19), "Microsoft Corp", None)),
    ("Micron Technology (MU) [OP]", None, OptionTerms(None, None, None, "MU", None)),
]  # fmt: skip


@pytest.mark.parametrize(("asset", "description", "expected"), OPTIONS)
def test_it_reads_option_terms(
    asset: str, description: str | None, expected: OptionTerms
) -> None:
    assert parse_option(asset, description) == expected


@pytest.mark.parametrize(
    ("asset", "description"),
    [("Apple Inc. (AAPL) [ST]", "Sold 100 shares."),
     ("Callaway Golf Company (ELY) [ST]", None),
     ("Netflix, Inc. (NFLX) [ST]", "Sold 1,000 shares."),
     ("Put Corp (PUTC) [ST]", None)],
)  # fmt: skip
def test_it_finds_no_option_in_a_stock_row(asset: str, description: str | None) -> None:
    assert parse_option(asset, description) is None


def test_an_option_row_of_a_known_type_reads_a_lone_calls_word() -> None:
    terms = parse_option("Apple Inc", "AAPL Jan 2025 Calls", asset_type="Stock Option")

    assert terms is not None
    assert terms.option_type == "call"


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Option Type: Put", OptionTerms(option_type="put")),
     ("Strike price: $1,250.50", OptionTerms(strike=1250.5)),
     ("Expires: 03/15/2024", OptionTerms(expiry=dt.date(2024, 3, 15))),
     ("Expiration Date: 2024-03-15", OptionTerms(expiry=dt.date(2024, 3, 15))),
     ("Rate/Coupon: 3.875%", None), ("Matures: 09/15/2021", None),
     ("Option Type: Straddle", None), ("Company: EMSG LLC", None)],
)  # fmt: skip
def test_it_reads_labelled_option_lines(
    line: str, expected: OptionTerms | None
) -> None:
    assert read_option_line(line) == expected


def test_stock_watcher_option_rows_read_their_muted_block() -> None:
    # The shape of the aggregate's option rows: the Senate page's muted block as HTML.
    row = {
        "transaction_date": "01/04/2021",
        "owner": "Self",
        "ticker": "MU",
        "asset_description": 'Micron Technology, Inc. <div class="text-muted">'
        "<em>Option Type:</em> Call<br> <em>Strike price:</em> $50.00<br> "
        "<em>Expires:</em> 01/15/2021</div>",
        "asset_type": "Stock Option",
        "type": "Purchase",
        "amount": "$1,001 - $15,000",
        "comment": "--",
        "senator": "A Senator",
        "ptr_link": "https://efdsearch.senate.gov/search/view/ptr/"
        "a0010f4a-c31a-4824-8b6d-6399b3ccb6f0/",
    }

    (document,) = parse_senate_stock_watcher(json.dumps([row]).encode())
    (option,) = document.transactions

    assert (option.option_type, option.option_strike, option.option_expiry) == (
        "call",
        50.0,
        dt.date(2021, 1, 15),
    )
    assert (option.option_underlying, option.asset_name) == (
        "MU",
        "Micron Technology, Inc.",
    )


def test_house_option_rows_carry_their_terms(fixtures: Path) -> None:
    path = fixtures / "us_house" / "ptr-pdfs" / "20022260.pdf"
    document = parse_house_ptr(path.read_bytes(), doc_id="20022260")
    options = [t for t in document.transactions if t.option_type]

    assert [
        (t.asset_ticker, t.option_type, t.option_strike, t.option_expiry)
        for t in options
    ] == [("CRM", "call", 210.0, dt.date(2023, 1, 20))]
    assert options[0].option_underlying == "CRM"
    assert all(
        t.option_strike is None for t in document.transactions if t not in options
    )
