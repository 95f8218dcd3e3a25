"""California Form 700 Schedule A-1 rows, read from CalMatters' real CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptt.errors import ParseError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.parsing.california import form700_band, parse_form700_csv

FORMS = "https://wcfweenxfcmsichcbyki.supabase.in/storage/v1/object/public/pdfs/"


def _documents(fixtures: Path) -> list[ParsedDocument]:
    data = (fixtures / "california" / "form700_schedule_a1_first300.csv").read_bytes()
    return parse_form700_csv(data)


def _document(fixtures: Path, doc_id: str) -> ParsedDocument:
    return next(d for d in _documents(fixtures) if d.doc_id == doc_id)


def test_it_groups_the_300_rows_into_one_document_per_statement(
    fixtures: Path,
) -> None:
    docs = _documents(fixtures)

    assert len(docs) == 32
    assert sum(len(d.transactions) for d in docs) == 300
    assert all(d.parse_status == "parsed" for d in docs)
    assert all(t.transaction_type == "holding" for d in docs for t in d.transactions)
    assert all(d.url and d.url.endswith(f"{d.doc_id}.pdf") for d in docs)


def test_it_reads_a_statement_field_by_field(fixtures: Path) -> None:
    doc = _document(fixtures, "abe79aa1-e3b3-40f7-a21c-07c457bfbff9")

    assert (doc.source, doc.filing_type, doc.filing_date) == (
        "california",
        "Form 700 Schedule A-1",
        None,
    )
    assert doc.url == f"{FORMS}abe79aa1-e3b3-40f7-a21c-07c457bfbff9.pdf"
    assert doc.politician == StatedPolitician(
        full_name="Dawn Addis",
        role="state legislator",
        state_country="CA",
        external_ids={"digital_democracy": "dawn-addis-165438"},
    )
    assert [
        (t.row, t.asset_name, t.description, t.asset_type, t.amount_range_min,
         t.amount_range_max, t.amount_text)
        for t in doc.transactions
    ] == [
        (1, "AT&T", "Telecommunications", "Stock", 10001, 100000, "$10,001 - $100,000"),
        (2, "Etsy", "Online marketplace", "Stock", 10001, 100000, "$10,001 - $100,000"),
        (3, "Verizon Communications", "Telecommunications", "Stock", 10001, 100000,
         "$10,001 - $100,000"),
        (4, "Warner Brothers", "TV/Film", "Stock", 2000, 10000, "$2,000 - $10,000"),
    ]  # fmt: skip
    first = doc.transactions[0]
    assert (first.owner, first.asset_ticker, first.transaction_date) == (
        None,
        None,
        None,
    )
    assert first.raw["filingYear"] == "2022"
    assert first.comment is None


@pytest.mark.parametrize(
    ("doc_id", "asset", "nature", "amounts", "comment", "acquired", "disposed"),
    [
        ("da1e29da-1588-4c5c-a993-39b93957f8f0", "J M Smucker Co.", "Stock",
         (10001, 100000), "Acquired 2021-02-08; Disposed 2021-07-09",
         "2021-02-08", "2021-07-09"),
        ("da1e29da-1588-4c5c-a993-39b93957f8f0", "Roplast Industries", "Stock",
         (1000001, None), "Disposed 2021-02-26", None, "2021-02-26"),
        ("da1e29da-1588-4c5c-a993-39b93957f8f0", "Underclub", None,
         (10001, 100000), None, None, None),
        # The income box of a partnership, kept as said, not as the asset's type.
        ("8dea1d95-1d39-4b1e-8223-5c949ce6e445", "Akkadian Holdings V, LP",
         None, (10001, 100000), "Income Received of $0 - $499", None, None),
        ("8a8da3e0-e42e-4e18-86b5-01a84c5aade5", "Snowflake Inc", "Stock",
         (10001, 100000), "Acquired 0201-01-09", None, None),
        ("8a8da3e0-e42e-4e18-86b5-01a84c5aade5", "Bitcoin", "Other",
         (100001, 1000000), "Acquired 2021-02-01", "2021-02-01", None),
    ],
)  # fmt: skip
def test_it_keeps_acquisitions_and_disposals_as_holdings_with_their_dates(
    fixtures: Path,
    doc_id: str,
    asset: str,
    nature: str | None,
    amounts: tuple[int, int | None],
    comment: str | None,
    acquired: str | None,
    disposed: str | None,
) -> None:
    doc = _document(fixtures, doc_id)

    row = next(t for t in doc.transactions if t.asset_name == asset)
    assert row.transaction_type == "holding"
    assert row.transaction_date is None
    assert row.asset_type == nature
    assert (row.amount_range_min, row.amount_range_max) == amounts
    assert row.comment == comment
    assert (row.raw["acquired_date"], row.raw["disposed_date"]) == (acquired, disposed)


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("$2,000 - $10,000", (2000, 10000)),
        ("$10,001 - $100,000", (10001, 100000)),
        ("$100,001 - $1,000,000", (100001, 1000000)),
        ("Over $1,000,000", (1000001, None)),
        ("$10,001 -\n$100,000", (10001, 100000)),
        ("", (None, None)),
        ("Unknown", (None, None)),
    ],
)
def test_it_reads_form_700_value_bands(text: str, band: tuple[int | None, ...]) -> None:
    assert form700_band(text) == band


def test_it_fails_rows_without_a_form_url(fixtures: Path) -> None:
    data = (
        b'filer,filingYear,name,fmv,formUrl\nDawn Addis,2022,AT&T,"$2,000 - $10,000",\n'
    )

    [doc] = parse_form700_csv(data)

    assert doc.parse_status == "failed"
    assert doc.doc_id == "Dawn Addis/2022"
    assert "have no formUrl" in (doc.parse_error or "")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"filer,name\nDawn Addis,AT&T\n", "lacks the columns filingYear, fmv, formUrl"),
        (b'{"filer": "Dawn Addis"}', "lacks the columns"),
        (b"filer,filingYear\n\xff\xfe\n", "not UTF-8"),
    ],
)  # fmt: skip
def test_it_rejects_a_file_that_is_not_the_schedule_a1_export(
    data: bytes, error: str
) -> None:
    with pytest.raises(ParseError, match=error):
        parse_form700_csv(data)
