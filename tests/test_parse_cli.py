"""``ptt parse``: one local document read and shown, never stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run_ptt
from tests.pdfs import text_pdf

BOOZMAN = "ptr_0677bd3f-167e-4cae-8f1d-05eb4340fcdc.html"
PAPER = "paper_068274e1-4b7a-4453-a242-563dde4c10d8.html"


def _pdf(fixtures: Path, name: str) -> Path:
    return fixtures / "us_house" / "ptr-pdfs" / name


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_it_prints_a_house_ptr_as_one_json_object(
    tmp_path: Path, fixtures: Path
) -> None:
    result = run_ptt(tmp_path, "parse", str(_pdf(fixtures, "20032062.pdf")), "--json")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "filing": {
            "source": "us-house",
            "doc_id": "20032062",
            "filing_date": "2025-09-10",
            "filing_type": "PTR",
            "parse_status": "parsed",
            "parse_error": None,
            "is_amendment": False,
            "amends_doc_id": None,
            "url": None,
            "page_image_urls": [],
            "facts": {
                "name": "Hon. Robert B. Aderholt",
                "status": "Member",
                "state_district": "AL04",
                "signed_by": "Hon. Robert B. Aderholt",
                "signed_date": "2025-09-10",
                "filing_id": "20032062",
                "pages": 1,
            },
        },
        "politician": {
            "full_name": "Robert B. Aderholt",
            "first_name": "Robert",
            "middle_name": "B.",
            "last_name": "Aderholt",
            "suffix": None,
            "honorific": "Hon.",
            "role": "Representative",
            "party": None,
            "state_country": "AL",
            "district": "04",
            "chamber": "house",
            "group": None,
            "external_ids": {},
        },
        "transactions": [
            {
                "row": 1,
                "transaction_date": "2025-07-28",
                "notification_date": "2025-08-11",
                "owner": "self",
                "asset_name": "GSK plc American Depositary Shares",
                "asset_ticker": "GSK",
                "ticker_source": "document",
                "ticker_confidence": 1.0,
                "asset_cusip": None,
                "asset_isin": None,
                "asset_type_code": "ST",
                "asset_type": "Stocks (including ADRs)",
                "transaction_type": "sale_full",
                "amount_range_min": 1001,
                "amount_range_max": 15000,
                "amount_text": "$1,001 - $15,000",
                "cap_gains_over_200": True,
                "filing_status": "New",
                "subholding_of": None,
                "location": None,
                "description": None,
                "comment": None,
                "option_type": None,
                "option_strike": None,
                "option_expiry": None,
                "option_underlying": None,
                "category": None,
                "origin": None,
                "raw": {
                    "lines": [
                        "GSK plc American Depositary Shares",
                        "(GSK) [ST]",
                        "S 07/28/2025 08/11/2025 $1,001 - $15,000",
                        "F S: New",
                    ],
                    "pages": [1],
                    "owner": "",
                    "transaction_type": "S",
                },
            }
        ],
    }


def test_it_prints_a_summary_and_a_table_for_people(
    tmp_path: Path, fixtures: Path
) -> None:
    result = run_ptt(
        tmp_path, "parse", str(_pdf(fixtures, "20026537.pdf")), COLUMNS="200"
    )

    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout)
    for expected in (
        " document        20026537",
        " filing date     2025-01-16",
        " status          parsed",
        " politician      Hon. Richard W. Allen",
        " state/district  GA12",
        " transactions    4",
    ):
        assert expected in lines
    rows = [line for line in lines if line.startswith("│")]
    assert [cell.strip() for cell in rows[1].split("│")[1:-1]] == [
        "2",
        "2024-12-03",
        "2025-01-08",
        "spouse",
        "US TREASU NOTE 4.375% DUE 12/15/26",
        "",
        "GS",
        "purchase",
        "$100,001 - $250,000",
        "False",
    ]
    assert len(rows) == 4


def test_it_reads_a_senate_report_page_with_its_id_from_the_file_name(
    tmp_path: Path, fixtures: Path
) -> None:
    result = run_ptt(tmp_path, "parse", str(fixtures / "us_senate" / BOOZMAN), "--json")

    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["filing"]["doc_id"] == "0677bd3f-167e-4cae-8f1d-05eb4340fcdc"
    assert body["filing"]["source"] == "us-senate"
    assert body["filing"]["filing_date"] == "2026-01-13"
    assert body["politician"]["full_name"] == "John Boozman"
    assert len(body["transactions"]) == 8
    assert {t["owner"] for t in body["transactions"]} == {"joint"}


def test_a_scanned_pdf_prints_its_json_then_exits_1_needing_ocr(
    tmp_path: Path, fixtures: Path
) -> None:
    path = _pdf(fixtures, "scanned-image-only.pdf")

    result = run_ptt(tmp_path, "parse", str(path), "--json")

    assert result.returncode == 1
    assert result.stderr == f"Error: {path} has no text layer and needs OCR\n"
    body = json.loads(result.stdout)
    assert body["filing"]["parse_status"] == "needs_ocr"
    assert body["transactions"] == []


def test_a_senate_paper_filing_exits_1_needing_ocr(
    tmp_path: Path, fixtures: Path
) -> None:
    path = fixtures / "us_senate" / PAPER

    result = run_ptt(tmp_path, "parse", str(path))

    assert result.returncode == 1
    assert result.stderr == f"Error: {path} has no text layer and needs OCR\n"
    assert " status        needs_ocr" in _lines(result.stdout)


def test_a_truncated_pdf_exits_1_with_the_reason(
    tmp_path: Path, fixtures: Path
) -> None:
    data = _pdf(fixtures, "20022260.pdf").read_bytes()
    path = tmp_path / "20022260.pdf"
    path.write_bytes(data[: len(data) // 3])

    result = run_ptt(tmp_path, "parse", str(path))

    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {path} could not be parsed: the PDF cannot be opened; it is "
        "truncated or corrupt (Failed to load document (PDFium: Data format error).)\n"
    )


def test_a_document_that_is_not_a_transaction_report_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "10059999.pdf"
    path.write_bytes(
        text_pdf(
            "Financial Disclosure Report",
            "Name: Hon. Jane Q. Public",
            "Filing ID #10059999",
        )
    )

    result = run_ptt(tmp_path, "parse", str(path))

    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {path} is not a transaction report: the PDF has no transaction "
        "table (ID | Owner | Asset | Transaction Type ...): it is not a Periodic "
        "Transaction Report\n"
    )


def test_the_source_option_overrides_what_the_bytes_say(
    tmp_path: Path, fixtures: Path
) -> None:
    path = tmp_path / "report.html"
    shutil.copy(fixtures / "us_senate" / BOOZMAN, path)

    result = run_ptt(tmp_path, "parse", str(path), "--source", "us-house")

    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {path} could not be parsed: the document is not a PDF (it does not "
        "start with %PDF)\n"
    )


def test_a_senate_page_whose_name_has_no_report_id_is_a_usage_error(
    tmp_path: Path, fixtures: Path
) -> None:
    path = tmp_path / "report.html"
    shutil.copy(fixtures / "us_senate" / BOOZMAN, path)

    result = run_ptt(tmp_path, "parse", str(path))

    assert result.returncode == 2
    assert result.stderr == (
        "Error: cannot tell the Senate report id of report.html: name the file after "
        "the report's id, as ptr_<uuid>.html or paper_<uuid>.html\n"
    )
    assert result.stdout == ""


def test_a_file_of_unknown_kind_asks_for_the_source(
    tmp_path: Path, fixtures: Path
) -> None:
    path = fixtures / "us_house" / "2023FD.txt"

    result = run_ptt(tmp_path, "parse", str(path))

    assert result.returncode == 1
    assert result.stderr == (
        "Error: cannot tell what kind of document 2023FD.txt is (neither a PDF nor "
        "an HTML page); pass --source us-house or --source us-senate\n"
    )


def test_a_missing_file_or_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    missing = run_ptt(tmp_path, "parse", str(tmp_path / "nope.pdf"))
    unknown = run_ptt(tmp_path, "parse", "x.pdf", "--source", "us-senat")

    assert (missing.returncode, missing.stderr) == (
        2,
        f"Error: no such file: {tmp_path / 'nope.pdf'}\n",
    )
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "Error: unknown source 'us-senat' for parse (known: us-house, us-senate)\n",
    )


def test_it_touches_no_database(tmp_path: Path, fixtures: Path) -> None:
    result = run_ptt(tmp_path, "parse", str(_pdf(fixtures, "20030886.pdf")), "--json")

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "ptt.db").exists()
