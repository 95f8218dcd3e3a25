"""Readers for the US House Clerk's financial disclosures (disclosures-clerk.house.gov).

Two kinds of document: the yearly index (``{YEAR}FD.zip`` holding ``{YEAR}FD.xml`` and
``{YEAR}FD.txt``), which lists every filing of the year, and the PDF of one Periodic
Transaction Report. The index readers raise ``ParseError`` on a file they cannot trust,
because a collector must never read a broken index as "no new filings"; the PTR reader
never raises and says what went wrong in ``parse_error``.

The PTR text comes from pypdfium2. Small-caps labels come out as a capital followed by
padding characters (``F\\ufffe\\ufffe S\\ufffe: New``), table cells come out row by row
with the asset cell's wrapped lines first, and the "Cap. Gains > $200?" column is a
drawn checkbox with no text at all: it is read from the page's vector drawing.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from ptt.errors import ParseError
from ptt.model import Owner, ParsedDocument, StatedPolitician, Transaction
from ptt.parsing.amounts import amount_band
from ptt.parsing.codes import FILING_TYPE_PTR, HOUSE_ASSET_TYPES, HOUSE_OWNERS
from ptt.parsing.dates import us_date
from ptt.parsing.tickers import parse_option, split_asset

logger = logging.getLogger(__name__)

SOURCE = "us-house"

# A yearly index is a few megabytes; anything far larger is not an index.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * MAX_MEMBER_BYTES
MAX_COMPRESSION_RATIO = 200

_INDEX_COLUMNS = (
    "Prefix",
    "Last",
    "First",
    "Suffix",
    "FilingType",
    "StateDst",
    "Year",
    "FilingDate",
    "DocID",
)
_STATE_DISTRICT = re.compile(r"^([A-Z]{2})(\d{1,2})?$")

# --- the PTR text -------------------------------------------------------------------

_PADDING = re.compile("[\x00\ufffe\ufeff]")
_PADDED_WORD = re.compile("[A-Z][\x00\ufffe]+")
_TABLE_HEADER_FIRST = re.compile(r"^ID\s+Owner\s+Asset\b")
# The header's other lines as PDFium breaks them (each cell's words wrap apart).
_TABLE_HEADER_REST = frozenset(
    ("Type", "Date Notification", "Date", "Amount Cap.", "Gains >", "$200?")
)
_FOOTNOTE = re.compile(r"^\*\s*For the complete list of asset type abbreviations")
_FILING_ID = re.compile(r"^Filing ID #\s*(\d+)\s*$")
_SIGNED = re.compile(r"^Digitally Signed:\s*(.*?)\s*,\s*(\d{1,2}/\d{1,2}/\d{4})\s*$")
_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
# The type column, then the date and notification date (often run together), then the
# start of the amount. Whatever precedes the type on the line is the asset cell's text.
_TRANSACTION_LINE = re.compile(
    r"^(?P<asset>.*?)\s*(?<![^\s])(?P<type>S \((?i:partial)\)|P|S|E)\s+"
    r"(?P<date>" + _DATE + r")\s*(?P<notified>" + _DATE + r")?\s*(?P<amount>.*)$"
)
_LABEL = re.compile(r"^(F S|S O|L|D|C)\s*:\s?(.*)$")
_LABEL_FIELDS = {
    "F S": "filing_status",
    "S O": "subholding_of",
    "L": "location",
    "D": "description",
    "C": "comment",
}
_OWNER_PREFIX = re.compile(r"^(SP|JT|DC)\s+(.*)$")
_TRANSACTION_TYPES = {
    "P": "purchase",
    "S": "sale_full",
    "S (partial)": "sale_partial",
    "E": "exchange",
}
_MONEY_TEXT = r"\$[\d,]+(?:\.\d+)?"
# A piece of the Amount cell on a line of its own: a value, a band or either end of
# one, or the "Spouse/DC Over" wording.
_AMOUNT_PART = re.compile(
    rf"^(?:(?:Spouse/DC\s+)?Over(?:\s+{_MONEY_TEXT})?"
    rf"|{_MONEY_TEXT}(?:\s*-(?:\s*{_MONEY_TEXT})?)?|-\s*{_MONEY_TEXT})$"
)
_MONEY = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)")
_AMENDS_ID = re.compile(
    r"\bamend\w*\b[^#]{0,120}?(?:filing|document|doc|report|PTR)\s*(?:ID|number|no\.?)?"
    r"\s*#?\s*(\d{8})\b",
    re.IGNORECASE,
)
_AMENDS_TEXT = re.compile(
    r"\bamend(?:s|ing|ment\s+(?:of|to))\b[^.]{0,60}?\b(?:filing|report|PTR|"
    r"transaction)",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(r"^(?:The\s+Honorable|Honorable|Hon\.?)\s+", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:\s*,\s*|\s+)(Jr\.?|Sr\.?|II|III|IV|V|VI)\s*$", re.IGNORECASE)
# A labelled line's wrapped text follows it at the line pitch (about 13 points); the
# next row's first line sits further down, after the row's padding (about 26 points).
_WRAPPED_LINE_PITCH = 19.0


# --- the yearly index ---------------------------------------------------------------


@dataclass(frozen=True)
class HouseIndexEntry:
    """One filing listed in the House's yearly index, as the index states it."""

    prefix: str | None
    last: str
    first: str | None
    suffix: str | None
    filing_type: str
    state_district: str | None
    state: str | None
    district: str | None
    year: int | None
    filing_date: dt.date | None
    doc_id: str

    @property
    def is_ptr(self) -> bool:
        """Return whether the filing is a Periodic Transaction Report."""
        return self.filing_type == "P"

    def politician(self) -> StatedPolitician:
        """Return the filer as the index names them."""
        full_name = " ".join(part for part in (self.first, self.last) if part)
        if self.suffix:
            full_name = f"{full_name} {self.suffix}"
        return StatedPolitician(
            full_name=full_name,
            first_name=self.first,
            last_name=self.last,
            suffix=self.suffix,
            honorific=self.prefix,
            role="Representative",
            state_country=self.state,
            district=self.district,
            chamber="house",
        )


def index_zip_path(year: int) -> str:
    """Return the URL path of a year's index ZIP."""
    return f"/public_disc/financial-pdfs/{year}FD.zip"


def ptr_pdf_path(year: int, doc_id: str) -> str:
    """Return the URL path of a PTR's PDF."""
    return f"/public_disc/ptr-pdfs/{year}/{doc_id}.pdf"


def read_index_zip(data: bytes) -> list[HouseIndexEntry]:
    """Return the filings of a yearly index ZIP, read from its XML (else its TXT)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(
            f"the House index is not a readable ZIP file ({exc})", source=SOURCE
        ) from exc

    with archive:
        members = {
            info.filename.rsplit("/", 1)[-1].lower(): info
            for info in archive.infolist()
        }
        for info in members.values():
            _check_member_size(info)
        _check_total_size(list(members.values()))
        chosen = _index_member(members, ".xml") or _index_member(members, ".txt")
        if chosen is None:
            names = ", ".join(sorted(members)) or "nothing"
            raise ParseError(
                f"the House index ZIP holds no FD.xml or FD.txt (it holds {names})",
                source=SOURCE,
            )
        try:
            body = _read_member(archive, chosen)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            raise ParseError(
                f"the House index ZIP is corrupt: {chosen.filename} cannot be "
                f"extracted ({exc})",
                source=SOURCE,
            ) from exc

    if chosen.filename.lower().endswith(".xml"):
        return parse_index_xml(body)
    return parse_index_txt(body)


def _index_member(
    members: dict[str, zipfile.ZipInfo], extension: str
) -> zipfile.ZipInfo | None:
    for name, info in sorted(members.items()):
        if name.endswith("fd" + extension):
            return info
    return None


def _check_member_size(info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_MEMBER_BYTES:
        raise ParseError(
            f"the House index ZIP member {info.filename} would extract to "
            f"{info.file_size:,} bytes, over the {MAX_MEMBER_BYTES:,}-byte limit; "
            "refusing to extract it",
            source=SOURCE,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > MAX_COMPRESSION_RATIO:
        raise ParseError(
            f"the House index ZIP member {info.filename} expands {ratio:,.0f} times "
            f"(over {MAX_COMPRESSION_RATIO}), which looks like a ZIP bomb; refusing "
            "to extract it",
            source=SOURCE,
        )


def _check_total_size(infos: list[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise ParseError(
            f"the House index ZIP would extract to {total:,} bytes in all, over the "
            f"{MAX_TOTAL_BYTES:,}-byte limit; refusing to extract it",
            source=SOURCE,
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # The stated sizes can lie, so the read itself stops past the limit.
    with archive.open(info) as stream:
        body = stream.read(MAX_MEMBER_BYTES + 1)
    if len(body) > MAX_MEMBER_BYTES:
        raise ParseError(
            f"the House index ZIP member {info.filename} extracts to more than "
            f"{MAX_MEMBER_BYTES:,} bytes; refusing it",
            source=SOURCE,
        )
    return body


def parse_index_xml(data: bytes) -> list[HouseIndexEntry]:
    """Return the filings of a yearly index in its XML form."""
    import lxml.etree

    parser = lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ParseError(
            f"the House index XML cannot be read ({exc})", source=SOURCE
        ) from exc
    if root is None or root.tag != "FinancialDisclosure":
        tag = None if root is None else root.tag
        raise ParseError(
            f"the House index XML's root is {tag!r}, not 'FinancialDisclosure'",
            source=SOURCE,
        )

    entries: list[HouseIndexEntry] = []
    for position, member in enumerate(root.iterchildren("Member"), start=1):
        values: dict[str, str] = {}
        for column in _INDEX_COLUMNS:
            child = member.find(column)
            if child is not None and any(
                not isinstance(node.tag, str) for node in child.iterdescendants()
            ):
                raise ParseError(
                    f"the House index XML member {position} uses an entity in "
                    f"{column}; entities are not expanded",
                    source=SOURCE,
                )
            values[column] = "" if child is None else "".join(child.itertext())
        entries.append(_index_entry(values, f"XML member {position}"))
    return entries


def parse_index_txt(data: bytes) -> list[HouseIndexEntry]:
    """Return the filings of a yearly index in its tab-separated form."""
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ParseError("the House index TXT is empty", source=SOURCE)

    header = [cell.strip() for cell in lines[0].split("\t")]
    missing = [column for column in _INDEX_COLUMNS if column not in header]
    if missing:
        raise ParseError(
            f"the House index TXT header lacks {', '.join(missing)} (it has "
            f"{' | '.join(header)})",
            source=SOURCE,
        )

    entries: list[HouseIndexEntry] = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ParseError(
                f"the House index TXT line {number} has {len(cells)} cells where "
                f"the header has {len(header)}",
                source=SOURCE,
            )
        values = dict(zip(header, cells, strict=True))
        entries.append(_index_entry(values, f"TXT line {number}"))
    return entries


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _index_entry(values: dict[str, str], where: str) -> HouseIndexEntry:
    cleaned = {key: " ".join(value.split()) for key, value in values.items()}
    doc_id = cleaned.get("DocID", "")
    if not doc_id:
        raise ParseError(f"the House index {where} has no DocID", source=SOURCE)
    last = cleaned.get("Last", "")
    if not last:
        raise ParseError(
            f"the House index {where} (DocID {doc_id}) has no last name",
            source=SOURCE,
        )

    state_district = cleaned.get("StateDst") or None
    state = district = None
    if state_district:
        match = _STATE_DISTRICT.match(state_district)
        if match:
            state, district = match.group(1), match.group(2)
        else:
            logger.warning(
                "House index %s (DocID %s) has the state/district %r, which is not "
                "a state code and number; kept as stated only",
                where,
                doc_id,
                state_district,
            )

    year_text = cleaned.get("Year", "")
    year = int(year_text) if year_text.isdigit() else None
    return HouseIndexEntry(
        prefix=cleaned.get("Prefix") or None,
        last=last,
        first=cleaned.get("First") or None,
        suffix=cleaned.get("Suffix") or None,
        filing_type=cleaned.get("FilingType", ""),
        state_district=state_district,
        state=state,
        district=district,
        year=year,
        filing_date=_index_date(cleaned.get("FilingDate", ""), where, doc_id),
        doc_id=doc_id,
    )


def _index_date(text: str, where: str, doc_id: str) -> dt.date | None:
    if not text:
        return None

    try:
        return us_date(text)
    except ValueError:
        logger.warning(
            "House index %s (DocID %s) has the filing date %r, not M/D/YYYY; left "
            "empty",
            where,
            doc_id,
            text,
        )
        return None


# --- PTR PDFs -----------------------------------------------------------------------


@dataclass
class _Page:
    """One page's text lines and the Cap. Gains checkboxes drawn on it, top down."""

    number: int
    lines: list[str]
    cap_gains: list[bool] = field(default_factory=list)
    # Positions in ``lines`` of small-caps section headings (Transactions, Comments).
    headings: set[int] = field(default_factory=set)
    # Positions of lines starting with an owner code: whether it is in the Owner column.
    owner_column: dict[int, bool] = field(default_factory=dict)
    # The left edge and top of each line's first character, in points.
    starts: list[tuple[float, float]] = field(default_factory=list)
    # Positions of lines starting in the ID column: the ID they state.
    stated_ids: dict[int, str] = field(default_factory=dict)


@dataclass
class _Line:
    text: str
    page: int
    heading: bool = False
    # False when the line starts with an owner-like code that the page draws in the
    # Asset column; None when the page's geometry does not say.
    owner_column: bool | None = None
    # The top of the line's first character on its page, in points.
    top: float | None = None
    # The filer's own ID for the row, when the line starts in the ID column.
    stated_id: str | None = None


@dataclass
class _Row:
    asset_lines: list[str]
    match: re.Match[str]
    page: int
    raw_lines: list[str]
    labels: list[tuple[str, list[str]]] = field(default_factory=list)
    amount_parts: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    owner_column: bool | None = None
    asset_spilled: bool = False
    stated_id: str | None = None

    def add(self, text: str, page: int) -> None:
        self.raw_lines.append(text)
        if page not in self.pages:
            self.pages.append(page)


class _LayoutError(ValueError):
    """The PTR does not have the shape this reader knows."""


def parse_house_ptr(
    data: bytes,
    doc_id: str | None = None,
    *,
    entry: HouseIndexEntry | None = None,
    url: str | None = None,
) -> ParsedDocument:
    """Return the filer and the transactions of a House PTR PDF."""
    document = ParsedDocument(
        source=SOURCE,
        doc_id=doc_id or (entry.doc_id if entry else "") or _doc_id_from_url(url),
        parse_status="failed",
        filing_type=FILING_TYPE_PTR,
        url=url,
    )
    try:
        _parse_into(document, data, entry)
    except _LayoutError as exc:
        document.parse_status = "failed"
        document.parse_error = str(exc)
    except Exception as exc:
        # A malformed document must never abort a collection; the reason is kept.
        logger.exception("House PTR %s could not be read", document.doc_id or "?")
        document.parse_status = "failed"
        document.parse_error = (
            f"the PDF could not be read ({type(exc).__name__}: {exc})"
        )
    return document


def _parse_into(
    document: ParsedDocument, data: bytes, entry: HouseIndexEntry | None
) -> None:
    pages = _read_pdf(data)
    if not any(page.lines for page in pages):
        document.parse_status = "needs_ocr"
        document.parse_error = (
            f"the PDF's {len(pages)} page(s) have no text layer (a scanned filing); "
            "it needs OCR"
        )
        return

    lines = [
        _Line(
            text,
            page.number,
            i in page.headings,
            page.owner_column.get(i),
            page.starts[i][1] if i < len(page.starts) else None,
            page.stated_ids.get(i),
        )
        for page in pages
        for i, text in enumerate(page.lines)
    ]
    _read_header(document, lines, entry)
    document.raw["pages"] = len(pages)
    table = _table_lines(lines)
    if table is None and _says_ptr(lines):
        raise _LayoutError(
            "the PDF is a Periodic Transaction Report, but its transaction table has "
            "a layout this reader does not know (no ID | Owner | Asset | Transaction "
            "Type header)"
        )
    if table is None:
        document.parse_status = "not_a_transaction_report"
        document.parse_error = (
            "the PDF has no transaction table (ID | Owner | Asset | Transaction Type "
            "...): it is not a Periodic Transaction Report"
        )
        document.filing_type = None
        return

    rows = _rows(table)
    cap_gains = _cap_gains_by_row(rows, pages, document.doc_id)
    document.transactions = [
        _transaction(row, number, cap_gains[number - 1], document.doc_id)
        for number, row in enumerate(rows, start=1)
    ]
    document.is_amendment, document.amends_doc_id = _amendment(
        document.transactions, lines, document.doc_id
    )
    document.parse_status = "parsed"


def _says_ptr(lines: list[_Line]) -> bool:
    """Return whether the document calls itself a Periodic Transaction Report."""
    # The title is in small caps, so only its initials survive text extraction.
    return any(
        (line.heading and line.text == "P T R")
        or "Periodic Transaction Report" in line.text
        for line in lines
    )


def _read_header(
    document: ParsedDocument, lines: list[_Line], entry: HouseIndexEntry | None
) -> None:
    """Fill the id, the filer and the filing date from the header and the footer."""
    header = _header_facts(lines)
    document.raw = header
    filing_id = header.get("filing_id")
    if not document.doc_id and filing_id:
        document.doc_id = filing_id
    if not document.doc_id:
        raise _LayoutError("no document id: pass doc_id, the index entry or the URL")
    if filing_id and filing_id != document.doc_id:
        raise _LayoutError(
            f"the PDF says Filing ID #{filing_id}, not the expected {document.doc_id}; "
            "it is another filing's document"
        )

    document.politician = _stated_politician(header, entry)
    signed = header.get("signed_date")
    if entry is not None and entry.filing_date is not None:
        document.filing_date = entry.filing_date
        header["index_filing_date"] = entry.filing_date.isoformat()
    elif signed:
        document.filing_date = dt.date.fromisoformat(signed)


def _doc_id_from_url(url: str | None) -> str:
    if not url:
        return ""
    match = re.search(r"(\d+)\.pdf\b", url, re.IGNORECASE)
    return match.group(1) if match else ""


def _read_pdf(data: bytes) -> list[_Page]:
    import pypdfium2

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise _LayoutError("the document is not a PDF (it does not start with %PDF)")
    try:
        # Electronic PTRs are encrypted with an empty password; PDFium opens them
        # with the empty password given explicitly or not at all.
        pdf = pypdfium2.PdfDocument(data, password="")
    except pypdfium2.PdfiumError as exc:
        raise _LayoutError(
            f"the PDF cannot be opened; it is truncated or corrupt ({exc})"
        ) from exc

    pages: list[_Page] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            found = _page_lines(index + 1, textpage)
            # Only a page where a row starts has boxes worth finding.
            if any(_TRANSACTION_LINE.match(line) for line in found.lines):
                found.cap_gains = _checkboxes(page, textpage)
            pages.append(found)
            textpage.close()
            page.close()
    except pypdfium2.PdfiumError as exc:
        raise _LayoutError(
            f"the PDF cannot be read past page {len(pages)}; it is truncated or "
            f"corrupt ({exc})"
        ) from exc
    finally:
        pdf.close()
    return pages


def _page_lines(number: int, textpage: Any) -> _Page:
    """Return a page's cleaned lines with where each starts, marking headings."""
    text = textpage.get_text_range()
    page = _Page(number=number, lines=[])
    # PDFium gives one character per text index, line breaks included, so a line's
    # offset in the text is its first character's index on the page.
    boxes = _CharBoxes(textpage)
    header: tuple[int, float, float] | None = None
    sources: list[tuple[str, int]] = []
    offset = 0
    for raw_line in text.split("\n"):
        start, offset = offset, offset + len(raw_line) + 1
        line = _clean(raw_line)
        if not line:
            continue
        if _PADDED_WORD.search(raw_line) and ":" not in raw_line:
            page.headings.add(len(page.lines))
        if header is None and _TABLE_HEADER_FIRST.match(line):
            header = (
                len(page.lines),
                boxes.left_top(start + raw_line.find("Owner"))[0],
                boxes.left_top(start + raw_line.find("Asset"))[0],
            )
        first = start + len(raw_line) - len(raw_line.lstrip())
        page.starts.append(boxes.left_top(first))
        page.lines.append(line)
        sources.append((raw_line, start))

    if header is not None:
        _mark_columns(page, boxes, sources, *header)
    return page


def _mark_columns(
    page: _Page,
    boxes: _CharBoxes,
    sources: list[tuple[str, int]],
    header_position: int,
    owner_left: float,
    asset_left: float,
) -> None:
    """Mark the lines below the table header that start in the ID or Owner column.

    A line that starts with SP, JT or DC is an owner code only when that code sits in
    the Owner column, left of the Asset column (an asset may begin "DC ..."); a word
    left of the Owner column is the filer's own ID for the row.
    """
    for position in range(header_position + 1, len(page.lines)):
        line = page.lines[position]
        left = page.starts[position][0]
        if left < owner_left - 2:
            raw_line, start = sources[position]
            words = [
                (match.group(0), boxes.left_top(start + match.start())[0])
                for match in re.finditer(r"\S+", raw_line)
            ]
            stated_id = [word for word, x in words if x < owner_left - 2]
            rest = [(word, x) for word, x in words if x >= owner_left - 2]
            page.stated_ids[position] = _clean(" ".join(stated_id))
            if rest and rest[0][0] in ("SP", "JT", "DC"):
                page.owner_column[position] = rest[0][1] < asset_left - 2
        elif _OWNER_PREFIX.match(line):
            page.owner_column[position] = left < asset_left - 2


class _CharBoxes:
    """Read character boxes of one text page through reused raw buffers."""

    def __init__(self, textpage: Any) -> None:
        import ctypes

        import pypdfium2.raw as pdfium_c

        self._raw = textpage.raw
        self._get = pdfium_c.FPDFText_GetCharBox
        self._values = [ctypes.c_double() for _ in range(4)]
        self._refs = [ctypes.byref(value) for value in self._values]

    def left_top(self, index: int) -> tuple[float, float]:
        """Return the left edge and the top of a character, in points."""
        left, _right, _bottom, top = self._values
        if not self._get(self._raw, index, *self._refs):
            return 0.0, 0.0
        return left.value, top.value


def _clean(line: str) -> str:
    return " ".join(_PADDING.sub("", line).split())


def _checkboxes(page: Any, textpage: Any) -> list[bool]:
    """Return the Cap. Gains checkboxes of a page, top down: True where ticked."""
    column_left = _cap_gains_column_left(textpage)
    if column_left is None:
        return []

    boxes: list[tuple[float, float, float, float]] = []
    marks: list[tuple[float, float]] = []
    for left, bottom, right, top, segments in _paths(page.raw, column_left - 10):
        width, height = right - left, top - bottom
        # The box is a rounded square of many segments, about 10 points wide; the
        # tick is a short path of a few segments drawn inside it.
        if 7 <= width <= 14 and 7 <= height <= 14:
            if segments >= 20:
                boxes.append((left, bottom, right, top))
            elif segments <= 8:
                marks.append(((left + right) / 2, (bottom + top) / 2))

    return [
        any(left <= x <= right and bottom <= y <= top for x, y in marks)
        for left, bottom, right, top in _distinct_boxes(boxes)
    ]


def _paths(
    raw_page: Any, min_left: float
) -> Iterator[tuple[float, float, float, float, int]]:
    """Yield the bounds and segment count of the page's paths right of ``min_left``."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    # The raw calls: wrapping every page object in Python costs more than the
    # text extraction itself.
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right))
    top_ref = ctypes.byref(top)
    path_type = pdfium_c.FPDF_PAGEOBJ_PATH
    form_type = pdfium_c.FPDF_PAGEOBJ_FORM
    get_type = pdfium_c.FPDFPageObj_GetType
    get_bounds = pdfium_c.FPDFPageObj_GetBounds
    count_segments = pdfium_c.FPDFPath_CountSegments
    get_form_object = pdfium_c.FPDFFormObj_GetObject
    get_page_object = pdfium_c.FPDFPage_GetObject
    for i in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        obj = get_page_object(raw_page, i)
        kind = get_type(obj)
        # The drawing sits in form XObjects one level down as well as on the page.
        if kind == form_type:
            children = [
                get_form_object(obj, j)
                for j in range(pdfium_c.FPDFFormObj_CountObjects(obj))
            ]
        elif kind == path_type:
            children = [obj]
        else:
            continue
        for child in children:
            if child is not obj and get_type(child) != path_type:
                continue
            if not get_bounds(child, *refs, top_ref) or left.value < min_left:
                continue
            yield (
                left.value,
                bottom.value,
                right.value,
                top.value,
                count_segments(child),
            )


def _cap_gains_column_left(textpage: Any) -> float | None:
    searcher = textpage.search("Cap.", match_case=True, match_whole_word=False)
    found = searcher.get_next()
    searcher.close()
    if not found:
        return None
    index, _count = found
    left, _bottom, _right, _top = textpage.get_charbox(index)
    return float(left)


def _distinct_boxes(
    boxes: Iterable[tuple[float, float, float, float]],
) -> list[tuple[float, float, float, float]]:
    """Return one box per drawn checkbox (each is drawn in several layers), top down."""
    distinct: list[tuple[float, float, float, float]] = []
    for box in sorted(boxes, key=lambda b: -b[3]):
        centre = (box[1] + box[3]) / 2
        if distinct and abs((distinct[-1][1] + distinct[-1][3]) / 2 - centre) < 4:
            continue
        distinct.append(box)
    return distinct


def _header_facts(lines: list[_Line]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for line in lines:
        text = line.text
        if "name" not in facts and text.startswith("Name:"):
            facts["name"] = text.removeprefix("Name:").strip()
        elif "status" not in facts and text.startswith("Status:"):
            facts["status"] = text.removeprefix("Status:").strip()
        elif "state_district" not in facts and text.startswith("State/District:"):
            facts["state_district"] = text.removeprefix("State/District:").strip()
        elif "filing_id" not in facts and (match := _FILING_ID.match(text)):
            facts["filing_id"] = match.group(1)
        elif "signed_by" not in facts and (match := _SIGNED.match(text)):
            facts["signed_by"] = match.group(1)
            try:
                signed = us_date(match.group(2))
                facts["signed_date"] = signed.isoformat()
            except ValueError:
                facts["signed_date_text"] = match.group(2)
    return facts


def _stated_politician(
    header: dict[str, Any], entry: HouseIndexEntry | None
) -> StatedPolitician | None:
    name = header.get("name")
    if not name:
        return entry.politician() if entry else None

    honorific = None
    match = _HONORIFIC.match(name)
    if match:
        honorific = match.group(0).strip()
        name = name[match.end() :].strip()
    rest, suffix = _split_suffix(name)
    if entry is not None and entry.last and rest.lower().endswith(entry.last.lower()):
        # The index gives the surname on its own, which tells where a surname of
        # two words begins.
        last = rest[len(rest) - len(entry.last) :]
        first, _, middle = rest[: len(rest) - len(entry.last)].strip().partition(" ")
    else:
        first, _, rest = rest.partition(" ")
        middle, _, last = rest.rpartition(" ")
        if not last:
            first, last = "", first

    state = district = None
    state_district = header.get("state_district")
    if state_district and (found := _STATE_DISTRICT.match(state_district)):
        state, district = found.group(1), found.group(2)
    return StatedPolitician(
        full_name=name,
        first_name=first or None,
        middle_name=middle.strip() or None,
        last_name=last or None,
        suffix=suffix,
        honorific=honorific,
        role="Representative",
        state_country=state,
        district=district,
        chamber="house",
    )


def _split_suffix(name: str) -> tuple[str, str | None]:
    match = _SUFFIX.search(name)
    if not match or not name[: match.start()].strip():
        return name, None
    return name[: match.start()].strip(" ,"), match.group(1)


def _table_lines(lines: list[_Line]) -> list[_Line] | None:
    """Return the lines of the transaction table without its repeated headers."""
    start = next(
        (i for i, line in enumerate(lines) if _TABLE_HEADER_FIRST.match(line.text)),
        None,
    )
    if start is None:
        return None

    table: list[_Line] = []
    in_header = False
    for line in lines[start:]:
        text = line.text
        if _TABLE_HEADER_FIRST.match(text):
            in_header = True
            continue
        if in_header and text in _TABLE_HEADER_REST:
            continue
        in_header = False
        if line.heading or _FOOTNOTE.match(text) or _SIGNED.match(text):
            break
        if _FILING_ID.match(text):
            continue
        table.append(line)
    return table


def _rows(table: list[_Line]) -> list[_Row]:
    """Return the table's rows: each starts at its type-and-dates line."""
    rows: list[_Row] = []
    pending: list[_Line] = []
    previous_lines: list[_Line | None] = [None, *table]
    for previous, item in zip(previous_lines, table, strict=False):
        text = item.text
        # A labelled line belongs to the row above, even if its text has dates.
        label = _LABEL.match(text) if rows else None
        match = None if label else _TRANSACTION_LINE.match(text)
        if match:
            rows.append(_start_row(pending, item, match))
            pending = []
            continue
        if not rows or (pending and not label):
            pending.append(item)
            continue

        row = rows[-1]
        if pending and not row.labels:
            raise _LayoutError(
                f"row {len(rows)} of the transaction table has the lines "
                f"{' / '.join(line.text for line in pending)!r} between its amount "
                "and its labelled lines"
            )
        if pending:
            # Labelled lines only follow a row's first line, so the lines held back
            # as the next asset were the end of a wrapped label after all.
            for line in pending:
                row.labels[-1][1].append(line.text)
                row.add(line.text, line.page)
            pending = []
        if label:
            row.labels.append((label.group(1), [label.group(2).strip()]))
        elif not row.labels and _continues_amount(row, text):
            row.amount_parts.append(text)
        elif not row.labels and _asset_spills(row, previous, item):
            # The asset cell's last lines went over the page break, after the row's
            # first line.
            row.asset_lines.append(text)
            row.asset_spilled = True
        elif row.labels and _follows_closely(previous, item):
            row.labels[-1][1].append(text)
        else:
            pending.append(item)
            continue
        row.add(text, item.page)

    if pending:
        raise _LayoutError(
            "the transaction table ends with lines that belong to no row: "
            + " / ".join(line.text for line in pending)
        )
    return rows


def _start_row(pending: list[_Line], item: _Line, match: re.Match[str]) -> _Row:
    """Return a new row from its first line and the asset lines held before it."""
    first = pending[0] if pending else item
    asset_lines = [line.text for line in pending] + [match.group("asset")]
    asset_lines = [line for line in asset_lines if line]
    if first.stated_id and asset_lines and asset_lines[0].startswith(first.stated_id):
        asset_lines[0] = asset_lines[0][len(first.stated_id) :].strip()
    row = _Row(
        asset_lines=[line for line in asset_lines if line],
        match=match,
        page=item.page,
        raw_lines=[],
        owner_column=first.owner_column,
        stated_id=first.stated_id,
    )
    for line in [*pending, item]:
        row.add(line.text, line.page)
    return row


def _continues_amount(row: _Row, text: str) -> bool:
    amount = " ".join([row.match.group("amount"), *row.amount_parts]).strip()
    if not _AMOUNT_PART.match(text):
        return False
    return not amount or amount.endswith(("-", "Over")) or not _MONEY.search(amount)


def _asset_spills(row: _Row, previous: _Line | None, line: _Line) -> bool:
    """Return whether a line on a later page than its row's start ends the asset."""
    if line.page == row.page or previous is None:
        return False
    if previous.page != line.page:
        return True
    return row.asset_spilled and _follows_closely(previous, line)


def _follows_closely(previous: _Line | None, line: _Line) -> bool:
    """Return whether ``line`` is the next line of the same text block as ``previous``."""
    if previous is None or previous.page != line.page:
        return False
    if previous.top is None or line.top is None:
        return False
    return 0 < previous.top - line.top < _WRAPPED_LINE_PITCH


def _cap_gains_by_row(
    rows: list[_Row], pages: list[_Page], doc_id: str
) -> list[bool | None]:
    """Return each row's Cap. Gains box, matched page by page where the counts agree."""
    result: list[bool | None] = [None] * len(rows)
    for page in pages:
        numbers = [i for i, row in enumerate(rows) if row.page == page.number]
        if not numbers:
            continue
        if len(numbers) != len(page.cap_gains):
            logger.warning(
                "House PTR %s page %s has %s rows but %s Cap. Gains boxes; the "
                "column is left empty for those rows",
                doc_id,
                page.number,
                len(numbers),
                len(page.cap_gains),
            )
            continue
        for i, ticked in zip(numbers, page.cap_gains, strict=True):
            result[i] = ticked
    return result


def _transaction(
    row: _Row, number: int, cap_gains: bool | None, doc_id: str
) -> Transaction:
    where = f"House PTR {doc_id} row {number}"
    asset_text = " ".join(row.asset_lines)
    owner_code = ""
    match = _OWNER_PREFIX.match(asset_text)
    if match and row.owner_column is not False:
        owner_code, asset_text = match.group(1), match.group(2)
    owner = cast(Owner, HOUSE_OWNERS[owner_code])

    parts = split_asset(asset_text)
    transaction = Transaction(
        row=number,
        owner=owner,
        asset_name=parts.name or None,
        asset_cusip=parts.cusip,
        asset_isin=parts.isin,
        asset_type_code=parts.type_code,
        cap_gains_over_200=cap_gains,
    )
    if parts.ticker:
        transaction.asset_ticker = parts.ticker
        transaction.ticker_source = "document"
        transaction.ticker_confidence = 1.0
    if parts.type_code:
        transaction.asset_type = HOUSE_ASSET_TYPES.get(parts.type_code)
        if transaction.asset_type is None:
            logger.warning(
                "%s has the asset type code [%s], which the code table does not "
                "know; the type is left empty",
                where,
                parts.type_code,
            )

    stated_type = row.match.group("type")
    transaction.transaction_type = _TRANSACTION_TYPES[
        "S (partial)" if stated_type.startswith("S (") else stated_type
    ]
    transaction.transaction_date = _row_date(row.match.group("date"), where)
    transaction.notification_date = _row_date(row.match.group("notified"), where)

    amount = " ".join([row.match.group("amount"), *row.amount_parts]).strip() or None
    transaction.amount_text = amount
    transaction.amount_range_min, transaction.amount_range_max = amount_band(amount)
    if amount and transaction.amount_range_min is None:
        logger.warning(
            "%s has the amount %r, which is not a band or a value", where, amount
        )

    stated: dict[str, list[str]] = {}
    for label, texts in row.labels:
        stated.setdefault(_LABEL_FIELDS[label], []).extend(texts)
    for name, texts in stated.items():
        setattr(transaction, name, " ".join(" ".join(texts).split()) or None)

    terms = parse_option(asset_text, transaction.description, type_code=parts.type_code)
    if terms is not None:
        transaction.option_type = terms.option_type
        transaction.option_strike = terms.strike
        transaction.option_expiry = terms.expiry
        transaction.option_underlying = terms.underlying

    transaction.raw = {
        "lines": row.raw_lines,
        "pages": row.pages,
        "owner": owner_code,
        "transaction_type": stated_type,
    }
    if row.stated_id:
        transaction.raw["id"] = row.stated_id
    return transaction


def _row_date(text: str | None, where: str) -> dt.date | None:
    if not text:
        return None

    try:
        return us_date(text)
    except ValueError:
        logger.warning(
            "%s has the date %r, not an MM/DD/YYYY date of 1990-2099; left empty",
            where,
            text,
        )
        return None


def _amendment(
    transactions: list[Transaction], lines: list[_Line], doc_id: str
) -> tuple[bool, str | None]:
    statuses = [t.filing_status or "" for t in transactions]
    amended = any(status.lower().startswith("amend") for status in statuses)

    text = " ".join(line.text for line in lines)
    amends_ids = [found for found in _AMENDS_ID.findall(text) if found != doc_id]
    if amends_ids or _AMENDS_TEXT.search(text):
        amended = True
    distinct = sorted(set(amends_ids))
    return amended, distinct[0] if len(distinct) == 1 else None
