"""Senate Stock Watcher's files and mapped CSV/JSON files, read from real data."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ptt.errors import ParseError, UsageError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.parsing.stock_watcher import (
    load_mapping,
    parse_mapped_csv,
    parse_senate_stock_watcher,
)

ROOT = Path(__file__).resolve().parents[1]
AGGREGATE = "senate_stock_watcher_all_transactions_first300.json"
PER_DAY = "senate_stock_watcher_transaction_report_for_01_04_2018.json"
EFD = "https://efdsearch.senate.gov/search/view/"


def _rows(fixtures: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(
        (fixtures / "aggregated" / AGGREGATE).read_bytes()
    )
    return loaded


def _aggregate(fixtures: Path) -> list[ParsedDocument]:
    return parse_senate_stock_watcher(
        (fixtures / "aggregated" / AGGREGATE).read_bytes()
    )


def _document(docs: list[ParsedDocument], doc_id: str) -> ParsedDocument:
    return next(d for d in docs if d.doc_id == doc_id)


def test_it_groups_the_aggregate_into_one_document_per_report(fixtures: Path) -> None:
    docs = _aggregate(fixtures)

    assert len(docs) == 39
    assert len({d.doc_id for d in docs}) == 39
    assert [d.parse_status for d in docs].count("needs_ocr") == 4
    assert sum(len(d.transactions) for d in docs) == 296
    assert all(t.origin == "senate-stock-watcher" for d in docs for t in d.transactions)
    assert all(d.source == "us-senate" and d.filing_date is None for d in docs)


def test_it_reads_a_report_row_field_by_field(fixtures: Path) -> None:
    doc = _document(_aggregate(fixtures), "a0010f4a-c31a-4824-8b6d-6399b3ccb6f0")

    assert doc.url == f"{EFD}ptr/a0010f4a-c31a-4824-8b6d-6399b3ccb6f0/"
    assert doc.filing_type == "PTR"  # as the Senate's own pages are stored
    assert doc.politician == StatedPolitician(
        full_name="Ron L Wyden", role="Senator", chamber="senate"
    )
    row = doc.transactions[0]
    assert row.row == 1
    assert row.transaction_date == dt.date(2020, 11, 10)
    assert row.owner == "spouse"
    assert (row.asset_ticker, row.ticker_source) == ("BYND", "document")
    assert row.asset_name == "Beyond Meat, Inc."
    assert row.asset_type == "Stock"
    assert row.transaction_type == "sale_full"
    assert (row.amount_range_min, row.amount_range_max) == (50001, 100000)
    assert row.amount_text == "$50,001 - $100,000"
    assert (row.comment, row.description, row.asset_cusip) == (None, None, None)
    assert row.raw["asset_description"] == "Beyond Meat, Inc."


@pytest.mark.parametrize(
    ("doc_id", "row", "name", "details", "cusip", "ticker", "owner", "kind", "comment"),
    [
        ("35aec3a8-60a7-4f06-bae3-3b202949e5e5", 2, "OWENS & MINOR",
         "Rate/Coupon: 3.875% Matures: 09/15/2021", None, None, "spouse", "sale_full",
         None),
        ("a5290af9-921b-4ff6-89f8-a9e67afca49a", 1, "Federal Farm Credit Bank 3133EMBH4",
         "Rate/Coupon: 0.530% Matures: 09/29/2025", "3133EMBH4", None, "spouse",
         "purchase", None),
        ("83fef034-a45e-4231-a63c-2ac7724db8e2", 1, "EMSG LLC",
         "Company: EMSG LLC (Rockville, MD) Description: Secured Debt", None, None,
         "self", "sale_full", "Underlying asset of TZG-Sachs Empire LLC"),
        ("d95fd568-e9c2-4715-b405-88c2758b44cc", 2,
         "Fortive Corporation (Exchanged) Vontier Corporation (Received)", None, None,
         "FTV", "self", "exchange", None),
        ("777a0838-874d-4d40-a52f-10e1cd39b9fc", 1, "W.L. Gore & Associates, Inc.",
         "Company: W.L. Gore & Associates, Inc. (Newark, DE) Description: Advanced "
         "materials manufacturing", None, None, "dependent", "sale_partial",
         "Gorfam Inc. sold stock to benefit another shareholder. Child received only "
         "funds to cover taxes."),
    ],
)  # fmt: skip
def test_it_cleans_the_html_of_asset_descriptions(
    fixtures: Path,
    doc_id: str,
    row: int,
    name: str,
    details: str | None,
    cusip: str | None,
    ticker: str | None,
    owner: str,
    kind: str,
    comment: str | None,
) -> None:
    transaction = _document(_aggregate(fixtures), doc_id).transactions[row - 1]

    assert transaction.asset_name == name
    assert transaction.description == details
    assert transaction.asset_cusip == cusip
    assert transaction.asset_ticker == ticker
    assert transaction.owner == owner
    assert transaction.transaction_type == kind
    assert transaction.comment == comment


def test_it_marks_a_paper_filing_as_needing_ocr_without_rows(fixtures: Path) -> None:
    doc = _document(_aggregate(fixtures), "2a123633-1454-49ff-8c3b-c4028372a119")

    assert doc.parse_status == "needs_ocr"
    assert doc.transactions == []
    assert doc.url == f"{EFD}paper/2a123633-1454-49ff-8c3b-c4028372a119/"
    assert "scanned paper filing" in (doc.parse_error or "")
    assert doc.politician is not None
    assert doc.politician.full_name == "Richard Blumenthal"


@pytest.mark.parametrize(
    ("stated", "full_name", "suffix"),
    [
        ("Jerry Moran,", "Jerry Moran", None),
        ("David A Perdue , Jr", "David A Perdue, Jr", "Jr"),
        ("Angus S King, Jr.", "Angus S King, Jr.", "Jr."),
        ("A. Mitchell Mcconnell, Jr.", "A. Mitchell Mcconnell, Jr.", "Jr."),
    ],
)
def test_it_cleans_the_stray_commas_of_senator_names(
    fixtures: Path, stated: str, full_name: str, suffix: str | None
) -> None:
    docs = _aggregate(fixtures)

    politician = next(
        d.politician
        for d, first in ((d, _first_row(fixtures, d.doc_id)) for d in docs)
        if first["senator"] == stated
    )
    assert politician is not None
    assert (politician.full_name, politician.suffix) == (full_name, suffix)


def _first_row(fixtures: Path, doc_id: str) -> dict[str, Any]:
    return next(r for r in _rows(fixtures) if doc_id in r["ptr_link"])


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("transaction_date", "11/10/0009", "transaction_date", None),
        ("transaction_date", "11/10/2202", "transaction_date", None),
        ("transaction_date", "2020-11-10", "transaction_date", None),
        ("amount", "$50,001 -\n$100,000", "amount_range_max", 100000),
        ("amount", "$1,001 - $15,000\n$15,001 - $50,000", "amount_range_min", None),
        ("ticker", "--", "asset_ticker", None),
        ("ticker", '<a href="https://finance.yahoo.com/q?s=BYND">BYND</a>',
         "asset_ticker", "BYND"),
        ("owner", "N/A", "owner", None),
        ("type", "Sale", "transaction_type", "sale"),
    ],
)  # fmt: skip
def test_it_keeps_defective_values_raw_instead_of_guessing(
    fixtures: Path, field: str, value: str, attribute: str, expected: object
) -> None:
    # The real first row of the aggregate with one value replaced by a defect
    # reported in the full dataset (the fixture's first 300 rows have none).
    row = copy.deepcopy(_rows(fixtures)[0])
    row[field] = value

    [doc] = parse_senate_stock_watcher(json.dumps([row]).encode())

    transaction = doc.transactions[0]
    assert getattr(transaction, attribute) == expected
    assert transaction.raw[field] == value


def test_it_reads_a_per_day_file_with_filing_dates_and_bioguide_ids(
    fixtures: Path,
) -> None:
    data = (fixtures / "aggregated" / PER_DAY).read_bytes()

    paper, report = parse_senate_stock_watcher(data)

    assert (paper.doc_id, paper.parse_status) == (
        "836382b4-f8ee-4061-aae7-e5b1f8032b9b",
        "needs_ocr",
    )
    assert paper.politician is not None
    assert paper.politician.external_ids == {"bioguide_id": "B001135"}
    assert report.doc_id == "cca86792-4a51-46d6-96c6-d25a40612fb8"
    assert report.filing_date == dt.date(2018, 1, 4)
    assert report.politician == StatedPolitician(
        full_name="David A Perdue, Jr",
        first_name="David A",
        last_name="Perdue",
        suffix="Jr",
        role="Senator",
        chamber="senate",
        external_ids={"bioguide_id": "P000612"},
    )
    assert len(report.transactions) == 45
    first = report.transactions[0]
    assert (first.transaction_date, first.owner, first.asset_ticker) == (
        dt.date(2018, 1, 3),
        "joint",
        "FOXA",
    )
    assert (first.asset_name, first.transaction_type) == (
        "Twenty-First Century Fox, Inc.",
        "sale_partial",
    )
    assert (first.amount_range_min, first.amount_range_max) == (1001, 15000)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'[{"senator": "Ron L Wyden",', "not valid JSON"),
        (b'{"senator": "Ron L Wyden"}', "not a JSON list of objects"),
        (b'[{"senator": "Ron L Wyden"}]', "neither the aggregate nor a per-day"),
    ],
)
def test_it_rejects_a_broken_stock_watcher_file(data: bytes, error: str) -> None:
    with pytest.raises(ParseError, match=error):
        parse_senate_stock_watcher(data)


def test_it_fails_rows_whose_link_is_not_a_senate_report(fixtures: Path) -> None:
    row = dict(_rows(fixtures)[0], ptr_link="https://example.org/report")

    [doc] = parse_senate_stock_watcher(json.dumps([row]).encode())

    assert doc.parse_status == "failed"
    assert "not a Senate report" in (doc.parse_error or "")


def test_it_reads_the_california_csv_through_a_mapping_file(fixtures: Path) -> None:
    mapping = load_mapping((ROOT / "tests/data/california-mapping.json").read_text())
    data = (fixtures / "california" / "form700_schedule_a1_first300.csv").read_bytes()

    docs = parse_mapped_csv(data, mapping)

    assert len(docs) == 32
    assert sum(len(d.transactions) for d in docs) == 300
    doc = _document(docs, "da1e29da-1588-4c5c-a993-39b93957f8f0")
    assert (doc.source, doc.filing_type, doc.filing_date) == (
        "california",
        "Form 700 Schedule A-1",
        None,
    )
    assert doc.url is not None and doc.url.endswith(
        "da1e29da-1588-4c5c-a993-39b93957f8f0.pdf"
    )
    assert doc.politician == StatedPolitician(full_name="Marc Berman")
    row = next(t for t in doc.transactions if t.asset_name == "Roplast Industries")
    assert row.transaction_type == "holding"
    assert (row.asset_type, row.description) == ("Stock", "Manufacturing")
    assert (row.amount_range_min, row.amount_range_max) == (1000001, None)
    assert row.amount_text == "Over $1,000,000"
    assert row.origin == "calmatters"
    assert row.raw["disposed"] == "2021-02-26"


def test_it_reads_a_json_list_with_type_and_owner_maps(
    fixtures: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mapping = load_mapping(
        json.dumps({
            "source": "us-senate",
            "format": "json",
            "columns": {
                "politician_name": "senator", "document_id": "ptr_link",
                "document_url": "ptr_link", "transaction_date": "transaction_date",
                "asset_name": "asset_description", "asset_ticker": "ticker",
                "transaction_type": "type", "owner": "owner", "amount_text": "amount",
            },
            "document_id_pattern": "/ptr/([0-9a-f-]{36})/",
            "date_format": "%m/%d/%Y",
            "transaction_types": {"Purchase": "purchase", "Sale (Full)": "sale_full"},
            "owners": {"Spouse": "spouse", "Self": "self"},
        })
    )  # fmt: skip
    data = (fixtures / "aggregated" / AGGREGATE).read_bytes()

    docs = parse_mapped_csv(data, mapping)

    first = _document(docs, "a0010f4a-c31a-4824-8b6d-6399b3ccb6f0").transactions[0]
    assert (first.transaction_date, first.owner, first.transaction_type) == (
        dt.date(2020, 11, 10),
        "spouse",
        "sale_full",
    )
    assert (first.asset_ticker, first.amount_range_min) == ("BYND", 50001)
    # Paper filings have no /ptr/ id: they fail rather than get an invented one.
    failed = [d for d in docs if d.parse_status == "failed"]
    assert len(failed) == 4
    assert all("/paper/" in d.doc_id for d in failed)
    partial = next(
        t for d in docs for t in d.transactions if t.raw["type"] == "Sale (Partial)"
    )
    assert partial.transaction_type is None
    assert "states types or owners no table knows" in caplog.text
    assert "Sale (Partial)" in caplog.text


def test_the_example_san_francisco_mapping_loads() -> None:
    text = (ROOT / "examples/mappings/sf-form700-a1.json").read_text()

    mapping = load_mapping(text)

    assert mapping.default_transaction_type == "holding"
    assert mapping.columns["amount_text"] == "Fair Market Value As Range"
    assert mapping.date_format == "%m/%d/%Y %I:%M:%S %p"


BASE: dict[str, Any] = {
    "source": "x",
    "columns": {"politician_name": "a", "document_id": "b", "asset_name": "c"},
}


@pytest.mark.parametrize(
    ("change", "bad_key"),
    [
        ({"colums": {}}, "'colums'"),
        ({"source": ""}, "'source'"),
        ({"format": "xlsx"}, "'format'"),
        ({"columns": {"politician_name": "a", "document_id": "b"}}, "'columns.asset_name'"),
        ({"columns": {**BASE["columns"], "ticker": "t"}}, "'columns.ticker'"),
        ({"columns": {**BASE["columns"], "transaction_date": "d"}}, "'date_format'"),
        ({"transaction_types": {"P": "buy"}}, "'transaction_types.P'"),
        ({"owners": {"SP": "wife"}}, "'owners.SP'"),
        ({"default_transaction_type": "trade"}, "'default_transaction_type'"),
        ({"document_id_pattern": "([a-z]"}, "'document_id_pattern'"),
        ({"document_id_pattern": "[a-z]+"}, "'document_id_pattern'"),
    ],
)  # fmt: skip
def test_it_rejects_a_mapping_naming_the_bad_key(
    change: dict[str, Any], bad_key: str
) -> None:
    with pytest.raises(UsageError, match=bad_key):
        load_mapping(json.dumps({**BASE, **change}))


def test_it_rejects_a_file_missing_a_mapped_column(fixtures: Path) -> None:
    mapping = load_mapping(json.dumps(BASE))
    data = (fixtures / "california" / "form700_schedule_a1_first300.csv").read_bytes()

    with pytest.raises(ParseError, match="lacks the mapped columns a, b, c"):
        parse_mapped_csv(data, mapping)


def test_filers_sharing_a_document_id_stay_two_documents(
    fixtures: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = json.loads((ROOT / "tests/data/california-mapping.json").read_text())
    spec["columns"]["document_id"] = "filingYear"
    del spec["document_id_pattern"]
    data = (fixtures / "california" / "form700_schedule_a1_first300.csv").read_bytes()

    docs = parse_mapped_csv(data, load_mapping(json.dumps(spec)))

    ids = [d.doc_id for d in docs]
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    statements = {(r["filingYear"], r["filer"]) for r in rows}
    assert len(ids) == len(set(ids)) == len(statements)
    assert sum(len(d.transactions) for d in docs) == 300
    berman = [
        d for d in docs if d.politician == StatedPolitician(full_name="Marc Berman")
    ]
    assert berman and all(d.doc_id.endswith("/Marc Berman") for d in berman[1:])
    assert "lists more than one filer" in caplog.text
