"""``ptt parse PATH``: read one local document and show what it states, without storing it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ptt import output
from ptt.errors import NeedsOcrError, ParseError, UsageError

if TYPE_CHECKING:
    from ptt.model import ParsedDocument

SOURCES = ("us-house", "us-senate")
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
FILING_KEYS = (
    "source",
    "doc_id",
    "filing_date",
    "filing_type",
    "parse_status",
    "parse_error",
    "is_amendment",
    "amends_doc_id",
    "url",
    "page_image_urls",
)
TABLE_COLUMNS = (
    "row",
    "transaction_date",
    "notification_date",
    "owner",
    "asset_name",
    "asset_ticker",
    "asset_type_code",
    "transaction_type",
    "amount_text",
    "cap_gains_over_200",
)


def parse_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="A House PTR PDF, or a Senate report page saved as HTML.",
            show_default=False,
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="us-house or us-senate (default: told by the file's bytes).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.")
    ] = False,
) -> None:
    """Parse one local document and show its filing and transactions."""
    if source is not None and source not in SOURCES:
        raise UsageError(
            f"unknown source '{source}' for parse (known: {', '.join(SOURCES)})"
        )
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc

    document = parse_file(data, path.name, source)
    if document.source == "us-senate" and not document.doc_id:
        raise UsageError(
            f"cannot tell the Senate report id of {path.name}: name the file after "
            "the report's id, as ptr_<uuid>.html or paper_<uuid>.html"
        )
    if as_json:
        output.write_detail(document_json(document), "json")
    else:
        _write_summary(document)
    _raise_for_status(document, path)


def detect_source(data: bytes) -> str | None:
    """Return the source whose documents look like these bytes, or None."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "us-house"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "us-senate"
    return None


def parse_file(data: bytes, name: str, source: str | None = None) -> ParsedDocument:
    """Return the parsed document of a file's bytes, read as ``source`` or as detected."""
    kind = source or detect_source(data)
    if kind is None:
        raise ParseError(
            f"cannot tell what kind of document {name} is (neither a PDF nor an HTML "
            "page); pass --source us-house or --source us-senate",
            document=name,
        )

    if kind == "us-house":
        from ptt.parsing.house import parse_house_ptr

        stem = Path(name).stem
        return parse_house_ptr(data, stem if stem.isdigit() else None)

    from ptt.parsing.senate import parse_senate_paper, parse_senate_ptr

    match = _UUID.search(name)
    doc_id = match.group(0).lower() if match else None
    if b"filingImage" in data or name.lower().startswith("paper_"):
        return parse_senate_paper(data, doc_id)
    return parse_senate_ptr(data, doc_id)


def document_json(document: ParsedDocument) -> dict[str, Any]:
    """Return the parsed document as one JSON-able object: filing, politician, rows."""
    from ptt.model import to_jsonable

    filing = {key: to_jsonable(getattr(document, key)) for key in FILING_KEYS}
    filing["facts"] = to_jsonable(document.raw)
    politician = document.politician
    return {
        "filing": filing,
        "politician": None if politician is None else to_jsonable(politician),
        "transactions": [to_jsonable(row) for row in document.transactions],
    }


def _write_summary(document: ParsedDocument) -> None:
    politician = document.politician
    summary: dict[str, Any] = {
        "source": document.source,
        "document": document.doc_id or None,
        "filing type": document.filing_type,
        "filing date": document.filing_date,
        "status": document.parse_status,
        "amendment": _amendment_text(document),
    }
    if politician is not None:
        where = "".join(
            part for part in (politician.state_country, politician.district) if part
        )
        summary["politician"] = " ".join(
            part for part in (politician.honorific, politician.full_name) if part
        )
        summary["state/district"] = where or None
    if document.parse_error:
        summary["reason"] = document.parse_error
    summary["transactions"] = len(document.transactions)
    output.write_detail(summary, "table", title="Filing")

    if document.transactions:
        rows = [
            {column: getattr(row, column) for column in TABLE_COLUMNS}
            for row in document.transactions
        ]
        output.write_records(rows, "table", TABLE_COLUMNS, title="Transactions")


def _amendment_text(document: ParsedDocument) -> str:
    if not document.is_amendment:
        return "no"
    if document.amends_doc_id:
        return f"yes, of {document.amends_doc_id}"
    return "yes"


def _raise_for_status(document: ParsedDocument, path: Path) -> None:
    if document.parse_status == "parsed":
        return

    if document.parse_status == "needs_ocr":
        raise NeedsOcrError(
            f"{path} has no text layer and needs OCR", document=document.doc_id
        )
    if document.parse_status == "not_a_transaction_report":
        raise ParseError(
            f"{path} is not a transaction report: {document.parse_error}",
            document=document.doc_id,
        )
    raise ParseError(
        f"{path} could not be parsed: {document.parse_error}", document=document.doc_id
    )
