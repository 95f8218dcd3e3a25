"""Readers for the US Senate's Electronic Financial Disclosures site (efdsearch.senate.gov).

Three kinds of body come back from the site: the DataTables JSON of the report search, the
HTML page of an electronic Periodic Transaction Report (a table of trades, in a 2018-era
and a current template that share the same table), and the viewer page of a scanned paper
filing (GIF page images, no text). The search reader raises ``FetchError`` on a body it
cannot trust, because a collector must never read a changed or blocked site as "no new
filings"; the report readers never raise and say what went wrong in ``parse_error``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from ptt.errors import FetchError
from ptt.model import Owner, ParsedDocument, StatedPolitician, Transaction
from ptt.parsing.amounts import amount_band
from ptt.parsing.codes import FILING_TYPE_PTR
from ptt.parsing.dates import us_date
from ptt.parsing.tickers import normalize_ticker, read_option_line

logger = logging.getLogger(__name__)

SOURCE = "us-senate"

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_REPORT_PATH = re.compile(r"/search/view/([a-z_-]+)/(" + _UUID.pattern + r")/?")
_FILED = re.compile(r"\bFiled\s+(\d{1,2}/\d{1,2}/\d{4})")
_AMENDMENT = re.compile(r"\bAmendment\b", re.IGNORECASE)
_PTR_TITLE = "Periodic Transaction Report"
_COUNT_STATED = re.compile(r"\((\d+)\s+transactions?\s+total\)", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:The\s+Honorable|Honorable|Hon\.?)\s+", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:\s*,\s*|\s+)(Jr\.?|Sr\.?|II|III|IV|V|VI)\s*$", re.IGNORECASE)
_NO_VALUE = {"", "--", "-", "n/a"}

# The table columns as the site heads them; the first five must be there to read a row.
_COL_NUMBER = "#"
_COL_DATE = "Transaction Date"
_COL_OWNER = "Owner"
_COL_TICKER = "Ticker"
_COL_ASSET = "Asset Name"
_COL_ASSET_TYPE = "Asset Type"
_COL_TYPE = "Type"
_COL_AMOUNT = "Amount"
_COL_COMMENT = "Comment"
_REQUIRED_COLUMNS = (_COL_DATE, _COL_OWNER, _COL_ASSET, _COL_TYPE, _COL_AMOUNT)
_EXPECTED_COLUMNS = (
    _COL_NUMBER,
    _COL_DATE,
    _COL_OWNER,
    _COL_TICKER,
    _COL_ASSET,
    _COL_ASSET_TYPE,
    _COL_TYPE,
    _COL_AMOUNT,
    _COL_COMMENT,
)

_OWNERS: dict[str, Owner] = {
    "self": "self",
    "spouse": "spouse",
    "joint": "joint",
    "child": "dependent",
    "child (dependent)": "dependent",
    "dependent child": "dependent",
    "dependent": "dependent",
}
_TRANSACTION_TYPES = {
    "purchase": "purchase",
    "sale (full)": "sale_full",
    "sale (partial)": "sale_partial",
    "sale": "sale",
    "exchange": "exchange",
}
_BREAKING_TAGS = {"br", "div", "p", "li", "ul", "ol", "table", "tr"}


@dataclass(frozen=True)
class SearchRow:
    """One report listed by the eFD search, as the search states it."""

    first_name: str
    last_name: str
    office: str
    report_url: str
    report_kind: str
    doc_id: str
    title: str
    is_amendment: bool
    filing_date: dt.date
    suffix: str | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of eFD search results."""

    records_total: int
    records_filtered: int
    rows: list[SearchRow] = field(default_factory=list)


class _LayoutError(ValueError):
    """The report page does not have the shape this reader knows."""


# --- search results ---------------------------------------------------------------


def parse_search_results(data: bytes) -> SearchPage:
    """Return the rows of one page of ``POST /search/report/data/``."""
    step = "reading the eFD search results"
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        start = data[:60].decode("utf-8", "replace").strip()
        raise FetchError(
            f"{step}: the answer is not JSON (it starts {start!r}); the site may have "
            "sent its agreement page or blocked the session. Run again later, and check "
            "the agreement and CSRF steps if it persists.",
            source=SOURCE,
        ) from exc

    if not isinstance(body, dict):
        raise FetchError(f"{step}: the answer is JSON but not an object", source=SOURCE)
    if body.get("result") != "ok":
        raise FetchError(
            f"{step}: the site answered result={body.get('result')!r} instead of 'ok'; "
            "the search was refused or its form changed",
            source=SOURCE,
        )
    rows = body.get("data")
    if not isinstance(rows, list):
        raise FetchError(
            f"{step}: the answer has no 'data' list of reports; the site's search "
            "format may have changed",
            source=SOURCE,
        )

    total = _count(body, "recordsTotal", step)
    filtered = _count(body, "recordsFiltered", step)
    return SearchPage(
        records_total=total,
        records_filtered=filtered,
        rows=[_search_row(row, i, step) for i, row in enumerate(rows)],
    )


def _count(body: dict[str, Any], key: str, step: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FetchError(
            f"{step}: the answer has no whole-number {key!r}", source=SOURCE
        )
    try:
        return int(value)
    except ValueError as exc:
        raise FetchError(
            f"{step}: {key!r} is {value!r}, not a whole number", source=SOURCE
        ) from exc


def _search_row(row: Any, index: int, step: str) -> SearchRow:
    where = f"{step}: result row {index + 1}"
    if not isinstance(row, list) or len(row) < 5:
        raise FetchError(
            f"{where} is not a list of five cells (first name, last name, office, "
            f"report link, date): {row!r}",
            source=SOURCE,
        )
    if not all(isinstance(cell, str) for cell in row[:5]):
        raise FetchError(f"{where} has a cell that is not text: {row!r}", source=SOURCE)

    first, last_given, office, link_html, date_text = row[:5]
    href, title = _link(link_html)
    if not href:
        raise FetchError(f"{where} has no report link: {link_html!r}", source=SOURCE)
    match = _REPORT_PATH.search(href)
    if not match:
        raise FetchError(
            f"{where} links to {href!r}, not to a /search/view/<kind>/<id>/ report page",
            source=SOURCE,
        )
    try:
        filing_date = us_date(date_text)
    except ValueError as exc:
        raise FetchError(
            f"{where} has the date {date_text!r}, not an MM/DD/YYYY date", source=SOURCE
        ) from exc

    last, suffix = _split_suffix(_squash(last_given))
    if not last:
        raise FetchError(f"{where} has no last name: {row!r}", source=SOURCE)
    return SearchRow(
        first_name=_squash(first),
        last_name=last,
        suffix=suffix,
        office=_squash(office),
        report_url=href,
        report_kind=match.group(1),
        doc_id=match.group(2).lower(),
        title=title,
        is_amendment=bool(_AMENDMENT.search(title)),
        filing_date=filing_date,
    )


def _link(fragment: str) -> tuple[str | None, str]:
    if "<" not in fragment:
        return None, _squash(fragment)

    try:
        element = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except lxml.etree.ParserError:
        return None, ""
    anchors = element.xpath(".//a[@href]")
    if not anchors:
        return None, _squash(element.text_content())
    anchor = anchors[0]
    return str(anchor.get("href")).strip(), _squash(anchor.text_content())


# --- the CSRF token of the search home page -----------------------------------------


def find_csrf_token(html: bytes) -> str | None:
    """Return the value of the form's hidden ``csrfmiddlewaretoken`` input, or None."""
    root = _html(html)
    if root is None:
        return None

    for value in root.xpath("//input[@name='csrfmiddlewaretoken']/@value"):
        token = str(value).strip()
        if token:
            return token
    return None


# --- electronic PTR pages ------------------------------------------------------------


def parse_senate_ptr(
    data: bytes, doc_id: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Return the filer and the transactions of an electronic Senate PTR page."""
    document = ParsedDocument(
        source=SOURCE,
        doc_id=_resolve_doc_id(doc_id, url, None),
        parse_status="failed",
        url=url,
    )
    root = _html(data)
    if root is None:
        document.parse_error = "the report page is empty or not HTML"
        return document
    if not document.doc_id:
        document.parse_error = (
            "no report id: pass doc_id or the report URL (/search/view/ptr/<id>/)"
        )
        return document
    if _is_agreement_page(root):
        document.parse_error = _AGREEMENT_ERROR
        return document

    heading = _heading(root)
    if heading is None:
        document.parse_error = (
            "the page has no report heading (h1): it is not an eFD report page, "
            "or the site's layout changed"
        )
        return document
    document.politician = _stated_politician(root)
    document.filing_date = _filed_on(root)
    document.is_amendment = bool(_AMENDMENT.search(heading))
    if _PTR_TITLE.lower() not in heading.lower():
        document.parse_status = "not_a_transaction_report"
        document.parse_error = f"the report is titled {heading!r}, not {_PTR_TITLE!r}"
        return document
    document.filing_type = FILING_TYPE_PTR

    try:
        document.transactions = _transactions(root, document.doc_id)
    except _LayoutError as exc:
        document.parse_error = str(exc)
        return document
    document.parse_status = "parsed"
    return document


def _transactions(root: HtmlElement, doc_id: str) -> list[Transaction]:
    table, headers = _transaction_table(root)
    missing = [name for name in _REQUIRED_COLUMNS if name not in headers]
    if missing:
        raise _LayoutError(
            f"the transaction table lacks the column(s) {', '.join(missing)} "
            f"(it has {' | '.join(headers)}); the site's layout changed"
        )
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    if repeated:
        raise _LayoutError(
            f"the transaction table repeats the column(s) {', '.join(repeated)}; "
            "the site's layout changed"
        )

    transactions: list[Transaction] = []
    for position, tr in enumerate(_body_rows(table), start=1):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if len(cells) != len(headers):
            raise _LayoutError(
                f"transaction row {position} has {len(cells)} cells where the table "
                f"has {len(headers)} columns; the site's layout changed"
            )
        transactions.append(
            _transaction(dict(zip(headers, cells, strict=True)), position, doc_id)
        )

    # Rows are keyed by report and row number downstream, so a repeated number
    # would silently merge two trades.
    numbers = [t.row for t in transactions]
    repeated_rows = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated_rows:
        raise _LayoutError(
            "the transaction table numbers more than one row "
            f"{', '.join(str(n) for n in repeated_rows)}"
        )

    stated = _stated_count(root)
    if stated is not None and stated != len(transactions):
        raise _LayoutError(
            f"the page says it lists {stated} transaction(s) but its table has "
            f"{len(transactions)} row(s)"
        )
    if stated is None and not transactions:
        raise _LayoutError(
            "the transaction table has no rows and the page does not state a count"
        )
    return transactions


def _transaction_table(root: HtmlElement) -> tuple[HtmlElement, list[str]]:
    for table in root.iter("table"):
        headers = _headers(table)
        if _COL_DATE in headers and _COL_ASSET in headers:
            return table, headers
    raise _LayoutError(
        "the page has no transaction table (columns "
        f"{' | '.join(_EXPECTED_COLUMNS)}); the site's layout changed"
    )


def _headers(table: HtmlElement) -> list[str]:
    header_rows = table.xpath("./thead/tr") or table.xpath("./tr[th]|./tbody/tr[th]")
    if not header_rows:
        return []
    return [
        _squash(th.text_content()) for th in header_rows[0] if th.tag in ("th", "td")
    ]


def _body_rows(table: HtmlElement) -> list[HtmlElement]:
    rows: list[HtmlElement] = table.xpath("./tbody/tr[td]|./tr[td]")
    return rows


def _stated_count(root: HtmlElement) -> int | None:
    match = _COUNT_STATED.search(_squash(root.text_content()))
    return int(match.group(1)) if match else None


def _transaction(
    cells: dict[str, HtmlElement], position: int, doc_id: str
) -> Transaction:
    texts = {name: _cell_text(cell) for name, cell in cells.items()}
    row = _row_number(texts.get(_COL_NUMBER), position)
    transaction = Transaction(row=row, raw=texts)
    where = f"Senate report {doc_id} row {row}"

    transaction.transaction_date = _row_date(texts[_COL_DATE], where)
    transaction.owner = _owner(texts[_COL_OWNER], where)
    transaction.transaction_type = _transaction_type(texts[_COL_TYPE], where)
    transaction.asset_type = _value(texts.get(_COL_ASSET_TYPE))
    transaction.comment = _value(texts.get(_COL_COMMENT))

    amount_text = _value(texts[_COL_AMOUNT])
    transaction.amount_text = amount_text
    transaction.amount_range_min, transaction.amount_range_max = amount_band(
        amount_text
    )

    if _COL_TICKER in cells:
        ticker_text = _squash(texts[_COL_TICKER])
        ticker = normalize_ticker(ticker_text)
        if ticker is None and _value(ticker_text) is not None:
            logger.warning(
                "%s states the ticker %r, which is not a ticker; kept only in the "
                "row's raw text",
                where,
                ticker_text,
            )
        if ticker is not None:
            transaction.asset_ticker = ticker
            transaction.ticker_source = "document"
            transaction.ticker_confidence = 1.0

    _fill_asset(transaction, cells[_COL_ASSET])
    return transaction


def _row_number(text: str | None, position: int) -> int:
    if text is None:
        return position

    try:
        return int(_squash(text))
    except ValueError as exc:
        raise _LayoutError(
            f"transaction row {position} has {text!r} in its # column, not a number"
        ) from exc


def _row_date(text: str, where: str) -> dt.date | None:
    value = _value(text)
    if value is None:
        return None

    try:
        return us_date(value)
    except ValueError:
        logger.warning(
            "%s has the transaction date %r, not an MM/DD/YYYY date of 1990-2099; "
            "left empty",
            where,
            value,
        )
        return None


def _owner(text: str, where: str) -> Owner | None:
    value = _value(text)
    if value is None:
        return None

    owner = _OWNERS.get(value.lower())
    if owner is None:
        logger.warning("%s has the unknown owner %r; left empty", where, value)
    return owner


def _transaction_type(text: str, where: str) -> str | None:
    value = _value(text)
    if value is None:
        return None

    kind = _TRANSACTION_TYPES.get(value.lower())
    if kind is None:
        logger.warning(
            "%s has the unknown transaction type %r; left empty", where, value
        )
    return kind


def _fill_asset(transaction: Transaction, cell: HtmlElement) -> None:
    """Fill the asset name and the option or bond details from the asset cell."""
    name_lines, detail_lines = _cell_lines(cell)
    transaction.asset_name = " ".join(name_lines) or None

    is_option = "option" in (transaction.asset_type or "").lower()
    leftover: list[str] = []
    for line in detail_lines:
        term = read_option_line(line)
        if term is None:
            leftover.append(line)
            continue
        is_option = True
        transaction.option_type = term.option_type or transaction.option_type
        if term.strike is not None:
            transaction.option_strike = term.strike
        if term.expiry is not None:
            transaction.option_expiry = term.expiry

    # The site writes bond terms (Rate/Coupon, Matures) and private-company details
    # (Company, Description) in the same muted block; they stay readable as text.
    transaction.description = "; ".join(leftover) or None
    if is_option:
        transaction.option_underlying = (
            transaction.asset_ticker or transaction.asset_name
        )


def _cell_lines(cell: HtmlElement) -> tuple[list[str], list[str]]:
    """Return the lines of a cell outside and inside its muted detail blocks."""
    segments: list[tuple[bool, str | None]] = []
    _collect(cell, False, segments)

    name: list[str] = []
    details: list[str] = []
    current: dict[bool, list[str]] = {False: [], True: []}
    for muted, text in [*segments, (False, None)]:
        if text is not None:
            current[muted].append(text)
            continue
        for flag, target in ((False, name), (True, details)):
            line = _squash(" ".join(current[flag]))
            if line:
                target.append(line)
            current[flag] = []
    return name, details


def _collect(
    element: HtmlElement, muted: bool, segments: list[tuple[bool, str | None]]
) -> None:
    if element.text:
        segments.append((muted, element.text))
    for child in element:
        if isinstance(child.tag, str):
            child_muted = muted or _is_muted(child)
            breaks = child.tag in _BREAKING_TAGS
            if breaks:
                segments.append((child_muted, None))
            _collect(child, child_muted, segments)
            if breaks:
                segments.append((child_muted, None))
        if child.tail:
            segments.append((muted, child.tail))


def _is_muted(element: HtmlElement) -> bool:
    classes = (element.get("class") or "").split()
    return any("muted" in name for name in classes)


def _cell_text(cell: HtmlElement) -> str:
    """Return a cell's text, one line per line break, for the row's raw record."""
    name, details = _cell_lines(cell)
    return "\n".join(name + details)


# --- paper filings -------------------------------------------------------------------


def parse_senate_paper(
    data: bytes, doc_id: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Return a scanned paper filing's page images, marked as needing OCR."""
    root = _html(data)
    document = ParsedDocument(
        source=SOURCE,
        doc_id=_resolve_doc_id(doc_id, url, root),
        parse_status="failed",
        url=url,
    )
    if root is None:
        document.parse_error = "the paper filing page is empty or not HTML"
        return document
    if not document.doc_id:
        document.parse_error = (
            "no report id: pass doc_id or the report URL (/search/view/paper/<id>/)"
        )
        return document
    if _is_agreement_page(root):
        document.parse_error = _AGREEMENT_ERROR
        return document

    heading = _heading(root)
    if heading is not None and _PTR_TITLE.lower() in heading.lower():
        document.filing_type = FILING_TYPE_PTR
        document.is_amendment = bool(_AMENDMENT.search(heading))
    document.politician = _stated_politician(root)
    document.filing_date = _filed_on(root)

    sources = root.xpath(
        "//img[contains(concat(' ', normalize-space(@class), ' '), ' filingImage ')]"
        "/@src"
    ) or root.xpath("//*[contains(@class, 'carousel-item')]//img/@src")
    images = [str(src).strip() for src in sources if str(src).strip()]
    if not images:
        document.parse_error = (
            "the paper filing page shows no page images (img.filingImage); the "
            "site's viewer layout changed"
        )
        return document

    document.page_image_urls = [urljoin(url, src) if url else src for src in images]
    document.parse_status = "needs_ocr"
    document.parse_error = f"scanned paper filing of {len(images)} page image(s) with no text; it needs OCR"
    return document


# --- shared page reading -------------------------------------------------------------

_AGREEMENT_ERROR = (
    "the site answered with its usage agreement page instead of the report: the "
    "session's agreement step did not take; accept the agreement again and retry"
)


def _html(data: bytes) -> HtmlElement | None:
    if not data or not data.strip():
        return None

    try:
        return lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return None


def _is_agreement_page(root: HtmlElement) -> bool:
    return bool(root.xpath("//input[@name='prohibition_agreement']"))


def _heading(root: HtmlElement) -> str | None:
    for h1 in root.iter("h1"):
        # The paper viewer carries a screen-reader-only h1 ("Filing Document - Print
        # View") that names no report.
        if "sr-only" in (h1.get("class") or "").split():
            continue
        text = _squash(h1.text_content())
        if text:
            return text
    return None


def _filed_on(root: HtmlElement) -> dt.date | None:
    match = _FILED.search(root.text_content())
    if not match:
        return None

    try:
        return us_date(match.group(1))
    except ValueError:
        return None


def _stated_politician(root: HtmlElement) -> StatedPolitician | None:
    """Return the filer named in the page header, such as ``The Honorable John Boozman``."""
    headers = root.xpath("//h2[contains(@class, 'filedReport')]")
    if not headers:
        return None

    lines = [_squash(line) for line in headers[0].text_content().splitlines()]
    lines = [line for line in lines if line]
    text = " ".join(lines)
    display_last = None
    shown = re.search(r"\s*\(([^()]*)\)\s*$", text)
    if shown:
        text = text[: shown.start()]
        display_last = shown.group(1).split(",")[0].strip() or None

    honorific = None
    match = _HONORIFIC.match(text)
    if match:
        honorific = match.group(0).strip()
        text = text[match.end() :]
    full_name = text.strip()
    if not full_name:
        return None

    # The template writes the first name on the honorific's line and the rest of the
    # name below it, so that line tells where a first name of two words ends.
    first_line = _HONORIFIC.sub("", lines[0]).strip() if len(lines) > 1 else ""
    if first_line and full_name.startswith(first_line + " "):
        first = first_line
        rest = full_name[len(first_line) :].strip()
    else:
        first, _, rest = full_name.partition(" ")
    if not rest:
        # One word only: a surname, as far as the page says.
        first, rest = "", first

    rest, suffix = _split_suffix(rest)
    if display_last and rest.lower().endswith(display_last.lower()):
        last = rest[len(rest) - len(display_last) :]
        middle = rest[: len(rest) - len(display_last)].strip()
    else:
        middle, _, last = rest.rpartition(" ")

    return StatedPolitician(
        full_name=full_name,
        first_name=first or None,
        middle_name=middle or None,
        last_name=last or None,
        suffix=suffix,
        honorific=honorific,
        role="Senator",
        chamber="senate",
    )


def _split_suffix(name: str) -> tuple[str, str | None]:
    match = _SUFFIX.search(name)
    if not match or not name[: match.start()].strip():
        return name, None
    return name[: match.start()].strip(" ,"), match.group(1)


def _resolve_doc_id(
    doc_id: str | None, url: str | None, root: HtmlElement | None
) -> str:
    if doc_id:
        return doc_id
    if url and (match := _UUID.search(url)):
        return match.group(0).lower()
    if root is not None:
        for href in root.xpath("//a/@href"):
            if "/paper/" in str(href) and (match := _UUID.search(str(href))):
                return match.group(0).lower()
    return ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _value(text: str | None) -> str | None:
    if text is None:
        return None

    value = _squash(text)
    return None if value.lower() in _NO_VALUE else value
