"""Third-party datasets: Senate Stock Watcher, and CSV/JSON files read through a mapping.

What the sources give: Senate Stock Watcher is a copy of US Senate periodic transaction
reports (trades), 2012-2020, no longer updated. Each row is a trade of one report; the
report's own UUID keys the document, and every row carries ``origin =
"senate-stock-watcher"`` because it is the aggregator's reading, not the Senate page.
A mapped file is any state's published CSV or JSON list whose columns a JSON mapping
names (see ``load_mapping``), so that a new state needs a mapping file, not code.

Layout quirks of Senate Stock Watcher: the aggregate ``all_transactions.json`` is a flat
list of rows naming their ``senator`` and ``ptr_link``; the per-day
``transaction_report_for_MM_DD_YYYY.json`` files list filers with ``first_name``,
``last_name``, ``date_recieved`` (sic), ``bioguide`` and their ``transactions``. Asset
descriptions hold the Senate page's HTML (``&amp;``, a muted block with coupon and
maturity, or company and description); tickers may be HTML links; ``--`` and ``N/A``
mean none; names carry stray commas ("Jerry Moran,", "Perdue , Jr"); scanned paper
filings appear as one placeholder row ("PDF Disclosed Filing", amount "Unknown").

Limits: the placeholder row of a paper filing is not a trade: its document is marked
"needs_ocr" with no rows. A transaction date with an impossible year (0009, 2202) becomes
None and stays in ``raw``. Amounts are read from the stated text ("$1,001 - $15,000",
"Over $50,000,000", wrapped over lines or not); anything else keeps only ``amount_text``.
The aggregate states no filing date.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import logging
import re
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any

from ptt.errors import ParseError, UsageError
from ptt.model import (
    OWNERS,
    TRANSACTION_TYPES,
    Owner,
    ParsedDocument,
    StatedPolitician,
    Transaction,
)
from ptt.parsing.amounts import amount_band
from ptt.parsing.codes import FILING_TYPE_PTR
from ptt.parsing.dates import EARLIEST_YEAR, LATEST_YEAR, us_date
from ptt.parsing.tickers import is_cusip, normalize_ticker, parse_option

logger = logging.getLogger(__name__)

SENATE_SOURCE = "us-senate"
SENATE_ORIGIN = "senate-stock-watcher"
TICKER_SOURCE = "document"

SENATE_OWNERS: dict[str, Owner] = {
    "self": "self",
    "spouse": "spouse",
    "joint": "joint",
    "child": "dependent",
    "dependent": "dependent",
    "dependent child": "dependent",
}
SENATE_TYPES = {
    "purchase": "purchase",
    "sale (full)": "sale_full",
    "sale (partial)": "sale_partial",
    "sale": "sale",
    "exchange": "exchange",
}
_PLACEHOLDER_TYPE = "pdf disclosed filing"
_REPORT_LINK = re.compile(r"/search/view/(ptr|paper)/([0-9a-fA-F-]{36})/?")
_TAG = re.compile(r"<[^>]*>")
_MUTED = re.compile(r"<div[^>]*text-muted", re.IGNORECASE)
_SUFFIX = re.compile(r"^(jr|sr|ii|iii|iv|v)\.?$", re.IGNORECASE)
_NONE_TEXTS = {"", "--", "n/a", "none", "unknown"}


def clean_html(text: str) -> str:
    """Return ``text`` without tags and entities, its whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _us_date(text: Any, latest_year: int = LATEST_YEAR) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        value = us_date(text)
    except ValueError:
        return None
    return value if value.year <= latest_year else None


def _text_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = clean_html(value)
    return None if cleaned.lower() in _NONE_TEXTS else cleaned


def _split_suffix(name: str) -> tuple[str, str | None]:
    """Return a name without its trailing suffix ("Perdue , Jr") and the suffix."""
    parts = [p.strip() for p in name.replace(" ,", ",").split(",")]
    parts = [p for p in parts if p]
    if len(parts) > 1 and _SUFFIX.match(parts[-1]):
        return ", ".join(parts[:-1]), parts[-1]
    tokens = " ".join(parts).split()
    if len(tokens) > 1 and _SUFFIX.match(tokens[-1]):
        return " ".join(tokens[:-1]), tokens[-1]
    return " ".join(tokens), None


def _senator(name: Any) -> StatedPolitician | None:
    if not isinstance(name, str) or not clean_html(name).strip(" ,"):
        return None
    base, suffix = _split_suffix(clean_html(name))
    return StatedPolitician(
        full_name=f"{base}, {suffix}" if suffix else base,
        suffix=suffix,
        role="Senator",
        chamber="senate",
    )


def _filer(filer: dict[str, Any]) -> StatedPolitician | None:
    first = _text_or_none(filer.get("first_name"))
    last_text = _text_or_none(filer.get("last_name"))
    if not first and not last_text:
        return None
    last, suffix = _split_suffix(last_text) if last_text else (None, None)
    full_name = " ".join(p for p in (first, last) if p)
    bioguide = _text_or_none(filer.get("bioguide"))
    return StatedPolitician(
        full_name=f"{full_name}, {suffix}" if suffix else full_name,
        first_name=first,
        last_name=last or None,
        suffix=suffix,
        role="Senator",
        chamber="senate",
        external_ids={"bioguide_id": bioguide} if bioguide else {},
    )


def _is_placeholder(row: dict[str, Any]) -> bool:
    return str(row.get("asset_type", "")).strip().lower() == _PLACEHOLDER_TYPE


def _senate_row(row: dict[str, Any], number: int, latest_year: int) -> Transaction:
    description = str(row.get("asset_description") or "")
    muted = _MUTED.search(description)
    name_html = description[: muted.start()] if muted else description
    details = clean_html(description[muted.start() :]) if muted else ""
    asset_name = clean_html(name_html) or None
    last_word = asset_name.split()[-1] if asset_name else ""

    ticker = normalize_ticker(_text_or_none(row.get("ticker")))
    amount_text = _text_or_none(row.get("amount"))
    amount_min, amount_max = amount_band(amount_text)
    owner_text = (_text_or_none(row.get("owner")) or "").lower()
    type_text = (_text_or_none(row.get("type")) or "").lower()
    transaction = Transaction(
        row=number,
        transaction_date=_us_date(row.get("transaction_date"), latest_year),
        owner=SENATE_OWNERS.get(owner_text),
        asset_name=asset_name,
        asset_ticker=ticker,
        ticker_source=TICKER_SOURCE if ticker else None,
        ticker_confidence=1.0 if ticker else None,
        asset_cusip=last_word if is_cusip(last_word) else None,
        asset_type=_text_or_none(row.get("asset_type")),
        transaction_type=SENATE_TYPES.get(type_text),
        amount_range_min=amount_min,
        amount_range_max=amount_max,
        amount_text=amount_text,
        description=details or None,
        comment=_text_or_none(row.get("comment")),
        origin=SENATE_ORIGIN,
        raw=dict(row),
    )
    # Option rows carry the Senate's muted block: Option Type, Strike price, Expires.
    terms = parse_option(asset_name, details or None, asset_type=transaction.asset_type)
    if terms is not None:
        transaction.option_type = terms.option_type
        transaction.option_strike = terms.strike
        transaction.option_expiry = terms.expiry
        transaction.option_underlying = ticker or asset_name
    return transaction


def _senate_document(
    link: Any,
    rows: list[dict[str, Any]],
    politician: StatedPolitician | None,
    filing_date: dt.date | None,
) -> ParsedDocument:
    match = _REPORT_LINK.search(link) if isinstance(link, str) else None
    if not match:
        return ParsedDocument(
            source=SENATE_SOURCE,
            doc_id=link if isinstance(link, str) else "",
            parse_status="failed",
            parse_error=(
                f"Senate Stock Watcher rows point to {link!r}, not a Senate report; "
                "they cannot be traced to a document"
            ),
            politician=politician,
            url=link if isinstance(link, str) else None,
        )

    kind, uuid = match.group(1), match.group(2).lower()
    trades = [r for r in rows if not _is_placeholder(r)]
    if kind == "paper" and not trades:
        return ParsedDocument(
            source=SENATE_SOURCE,
            doc_id=uuid,
            parse_status="needs_ocr",
            parse_error=(
                "Senate Stock Watcher only links this scanned paper filing; its "
                "transactions are not in the dataset and need the scanned pages read"
            ),
            filing_type=FILING_TYPE_PTR,
            filing_date=filing_date,
            politician=politician,
            url=link,
        )

    latest_year = filing_date.year if filing_date else LATEST_YEAR
    transactions = [
        _senate_row(r, i, latest_year) for i, r in enumerate(trades, start=1)
    ]
    _warn_unread(uuid, transactions, ("type", "owner"))
    return ParsedDocument(
        source=SENATE_SOURCE,
        doc_id=uuid,
        parse_status="parsed",
        filing_type=FILING_TYPE_PTR,
        filing_date=filing_date,
        politician=politician,
        transactions=transactions,
        url=link,
    )


def _warn_unread(
    doc_id: str, transactions: list[Transaction], fields: tuple[str, str]
) -> None:
    """Log stated types and owners that no table knows, which stay None."""
    type_field, owner_field = fields
    unread = sorted(
        {
            str(t.raw.get(type_field))
            for t in transactions
            if t.transaction_type is None and _text_or_none(t.raw.get(type_field))
        }
        | {
            str(t.raw.get(owner_field))
            for t in transactions
            if t.owner is None and _text_or_none(t.raw.get(owner_field))
        }
    )
    if unread:
        logger.warning(
            "Document %s states types or owners no table knows (%s); those rows keep "
            "them in raw only, with no type or owner",
            doc_id,
            ", ".join(unread),
        )


def parse_senate_stock_watcher(data: bytes) -> list[ParsedDocument]:
    """Return one document per report in a Senate Stock Watcher file (either shape)."""
    try:
        loaded = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"Senate Stock Watcher file is not valid JSON ({exc}); the download may "
            "be cut short",
            source=SENATE_SOURCE,
        ) from exc
    if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
        raise ParseError(
            "Senate Stock Watcher file is not a JSON list of objects; its layout may "
            "have changed",
            source=SENATE_SOURCE,
        )

    if all("transactions" in r for r in loaded):
        return [
            _senate_document(
                filer.get("ptr_link"),
                [t for t in filer.get("transactions") or [] if isinstance(t, dict)],
                _filer(filer),
                _us_date(filer.get("date_recieved")),
            )
            for filer in loaded
        ]
    if not all("ptr_link" in r and "senator" in r for r in loaded):
        raise ParseError(
            "Senate Stock Watcher file mixes rows without 'ptr_link' and 'senator'; "
            "it is neither the aggregate nor a per-day file",
            source=SENATE_SOURCE,
        )

    reports: dict[str, list[dict[str, Any]]] = {}
    for row in loaded:
        reports.setdefault(str(row["ptr_link"]), []).append(row)
    return [
        _senate_document(link, rows, _senator(rows[0].get("senator")), None)
        for link, rows in reports.items()
    ]


# Column roles a mapping may name, and which of them it must name.
COLUMN_ROLES = (
    "politician_name",
    "document_id",
    "document_url",
    "filing_date",
    "transaction_date",
    "asset_name",
    "asset_ticker",
    "asset_type",
    "transaction_type",
    "owner",
    "amount_text",
    "amount_min",
    "amount_max",
    "description",
    "comment",
)
REQUIRED_ROLES = ("politician_name", "document_id", "asset_name")
# A mapping file is one JSON object with these keys (only source and columns are
# required): source (the stored source name), format ("csv" or "json", a list of
# objects), columns (role -> column name, roles above), date_format (strptime, needed
# when a date role is mapped), document_id_pattern (a regex with one group taking the id
# out of the document_id column, e.g. a UUID out of a URL), filing_type, origin,
# default_transaction_type (for files without a type column, e.g. "holding"),
# transaction_types and owners (stated value -> the words of ptt.model, matched without
# regard to case), notes (free text for people). Amounts come from amount_min/amount_max
# when mapped, else from the amount text ("$1,001 - $15,000", "Over $1,000,000").
MAPPING_KEYS = (
    "source",
    "format",
    "columns",
    "date_format",
    "document_id_pattern",
    "filing_type",
    "origin",
    "default_transaction_type",
    "transaction_types",
    "owners",
    "notes",
)


@dataclass(frozen=True)
class Mapping:
    """How the columns of one published CSV or JSON list become records."""

    source: str
    columns: dict[str, str]
    format: str = "csv"
    date_format: str | None = None
    document_id_pattern: re.Pattern[str] | None = None
    filing_type: str | None = None
    origin: str | None = None
    default_transaction_type: str | None = None
    transaction_types: dict[str, str] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)


def _mapping_error(key: str, problem: str) -> UsageError:
    return UsageError(f"Mapping key {key!r} {problem}; fix the mapping file")


def _str_or_none(spec: MappingType[str, Any], key: str) -> str | None:
    value = spec.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise _mapping_error(key, "must be a non-empty string")
    return value


def _value_map(
    spec: MappingType[str, Any], key: str, allowed: tuple[str, ...]
) -> dict[str, str]:
    value = spec.get(key) or {}
    if not isinstance(value, dict):
        raise _mapping_error(key, "must be an object of stated value to word")
    for stated, word in value.items():
        if word not in allowed:
            raise _mapping_error(
                f"{key}.{stated}", f"maps to {word!r}, not one of {', '.join(allowed)}"
            )
    return {str(k).strip().lower(): str(v) for k, v in value.items()}


def load_mapping(text: str) -> Mapping:
    """Return the mapping a JSON mapping file describes; a bad key is a UsageError."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"Mapping file is not valid JSON ({exc})") from exc
    if not isinstance(spec, dict):
        raise UsageError("Mapping file must hold one JSON object")

    for key in spec:
        if key not in MAPPING_KEYS:
            raise _mapping_error(key, f"is unknown (known: {', '.join(MAPPING_KEYS)})")
    source = _str_or_none(spec, "source")
    if source is None:
        raise _mapping_error("source", "is missing")
    file_format = spec.get("format", "csv")
    if file_format not in ("csv", "json"):
        raise _mapping_error("format", 'must be "csv" or "json"')

    columns = spec.get("columns")
    if not isinstance(columns, dict):
        raise _mapping_error("columns", "must be an object of role to column name")
    for role, column in columns.items():
        if role not in COLUMN_ROLES:
            raise _mapping_error(
                f"columns.{role}", f"is unknown (known: {', '.join(COLUMN_ROLES)})"
            )
        if not isinstance(column, str) or not column:
            raise _mapping_error(f"columns.{role}", "must name a column")
    for role in REQUIRED_ROLES:
        if role not in columns:
            raise _mapping_error(f"columns.{role}", "is missing")

    date_format = _str_or_none(spec, "date_format")
    dated = {"filing_date", "transaction_date"} & set(columns)
    if dated and (date_format is None or "%" not in date_format):
        raise _mapping_error(
            "date_format", f"must be a strptime format when {sorted(dated)} are mapped"
        )

    pattern_text = _str_or_none(spec, "document_id_pattern")
    pattern = None
    if pattern_text is not None:
        try:
            pattern = re.compile(pattern_text)
        except re.error as exc:
            raise _mapping_error(
                "document_id_pattern", f"is not a regex ({exc})"
            ) from exc
        if pattern.groups != 1:
            raise _mapping_error("document_id_pattern", "must have exactly one group")

    default_type = _str_or_none(spec, "default_transaction_type")
    if default_type is not None and default_type not in TRANSACTION_TYPES:
        raise _mapping_error(
            "default_transaction_type",
            f"is {default_type!r}, not one of {', '.join(TRANSACTION_TYPES)}",
        )
    owners = _value_map(spec, "owners", OWNERS)
    return Mapping(
        source=source,
        columns=dict(columns),
        format=file_format,
        date_format=date_format,
        document_id_pattern=pattern,
        filing_type=_str_or_none(spec, "filing_type"),
        origin=_str_or_none(spec, "origin"),
        default_transaction_type=default_type,
        transaction_types=_value_map(spec, "transaction_types", TRANSACTION_TYPES),
        owners={k: v for k, v in owners.items() if v in OWNERS},
    )


def _mapped_rows(data: bytes, mapping: Mapping) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{mapping.source} file is not UTF-8 ({exc})", source=mapping.source
        ) from exc

    if mapping.format == "json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"{mapping.source} file is not valid JSON ({exc})",
                source=mapping.source,
            ) from exc
        if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
            raise ParseError(
                f"{mapping.source} file is not a JSON list of objects",
                source=mapping.source,
            )
        rows = [
            {str(k): "" if v is None else str(v) for k, v in r.items()} for r in loaded
        ]
        present = set().union(*(r.keys() for r in rows)) if rows else set()
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [{k: v or "" for k, v in r.items() if k is not None} for r in reader]
        present = set(reader.fieldnames or [])

    missing = sorted({c for c in mapping.columns.values() if c not in present})
    if rows and missing:
        raise ParseError(
            f"{mapping.source} file lacks the mapped columns {', '.join(missing)}; "
            "the file or the mapping is out of date",
            source=mapping.source,
        )
    return rows


def _mapped_date(text: str, date_format: str | None) -> dt.date | None:
    if not text.strip() or date_format is None:
        return None
    try:
        value = dt.datetime.strptime(text.strip(), date_format).date()
    except ValueError:
        return None
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def _whole_dollars(text: str) -> int | None:
    cleaned = text.strip().lstrip("$").replace(",", "")
    return int(cleaned) if cleaned.isdigit() else None


def _mapped_row(row: dict[str, str], number: int, mapping: Mapping) -> Transaction:
    def get(role: str) -> str:
        column = mapping.columns.get(role)
        return row.get(column, "").strip() if column else ""

    amount_text = get("amount_text") or None
    amount_min, amount_max = amount_band(amount_text)
    if "amount_min" in mapping.columns or "amount_max" in mapping.columns:
        amount_min = _whole_dollars(get("amount_min"))
        amount_max = _whole_dollars(get("amount_max"))

    stated_type = get("transaction_type").lower()
    transaction_type = (
        mapping.transaction_types.get(stated_type)
        if "transaction_type" in mapping.columns
        else mapping.default_transaction_type
    )
    owner = mapping.owners.get(get("owner").lower())
    ticker = normalize_ticker(get("asset_ticker") or None)
    return Transaction(
        row=number,
        transaction_date=_mapped_date(get("transaction_date"), mapping.date_format),
        owner=owner if owner in OWNERS else None,
        asset_name=get("asset_name") or None,
        asset_ticker=ticker,
        ticker_source=TICKER_SOURCE if ticker else None,
        ticker_confidence=1.0 if ticker else None,
        asset_type=get("asset_type") or None,
        transaction_type=transaction_type,
        amount_range_min=amount_min,
        amount_range_max=amount_max,
        amount_text=amount_text,
        description=get("description") or None,
        comment=get("comment") or None,
        origin=mapping.origin,
        raw=dict(row),
    )


def _mapped_doc_id(value: str, mapping: Mapping) -> str | None:
    if not value:
        return None
    if mapping.document_id_pattern is None:
        return value
    match = mapping.document_id_pattern.search(value)
    return match.group(1) if match else None


def parse_mapped_csv(data: bytes, mapping: Mapping) -> list[ParsedDocument]:
    """Return one document per document id of a CSV or JSON file read via ``mapping``."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _mapped_rows(data, mapping):
        name = row.get(mapping.columns["politician_name"], "").strip()
        stated_id = row.get(mapping.columns["document_id"], "").strip()
        groups.setdefault((stated_id, name), []).append(row)

    documents = []
    used: set[str] = set()
    for (stated_id, name), rows in groups.items():
        politician = StatedPolitician(full_name=name) if name else None
        doc_id = _mapped_doc_id(stated_id, mapping)
        if doc_id is not None and doc_id in used:
            # Two filers under one document id stay two documents, told apart by filer.
            logger.warning(
                "Document %s of %s lists more than one filer; the rows of %s are "
                "read as document %s/%s",
                doc_id,
                mapping.source,
                name or "an unnamed filer",
                doc_id,
                name,
            )
            doc_id = f"{doc_id}/{name}"
        if doc_id is not None:
            used.add(doc_id)
        if doc_id is None:
            documents.append(
                ParsedDocument(
                    source=mapping.source,
                    doc_id=stated_id,
                    parse_status="failed",
                    parse_error=(
                        f"{len(rows)} rows of {name or 'an unnamed filer'} have no usable "
                        f"document id in column {mapping.columns['document_id']!r} "
                        f"(value {stated_id!r})"
                    ),
                    politician=politician,
                    origin=mapping.origin,
                )
            )
            continue

        transactions = [
            _mapped_row(row, i, mapping) for i, row in enumerate(rows, start=1)
        ]
        _warn_unread(
            doc_id,
            transactions,
            (
                mapping.columns.get("transaction_type", ""),
                mapping.columns.get("owner", ""),
            ),
        )
        url_column = mapping.columns.get("document_url")
        url = rows[0].get(url_column, "").strip() if url_column else ""
        filing_column = mapping.columns.get("filing_date")
        filing_text = rows[0].get(filing_column, "") if filing_column else ""
        documents.append(
            ParsedDocument(
                source=mapping.source,
                doc_id=doc_id,
                parse_status="parsed",
                filing_type=mapping.filing_type,
                filing_date=_mapped_date(filing_text, mapping.date_format),
                politician=politician,
                transactions=transactions,
                url=url or None,
                origin=mapping.origin,
            )
        )
    return documents
