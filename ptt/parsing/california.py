"""California Form 700 Schedule A-1, as CalMatters publishes legislators' rows in CSV.

What the source gives: holdings, not trades. Schedule A-1 of the Statement of Economic
Interests lists investments (stocks, partnerships, other) held during the period, each
with a fair-market-value band and, if it happened in the period, the date it was
acquired or disposed of. Every row becomes a "holding"; an acquisition or disposal date
is kept in ``raw`` and in the row's comment, never turned into a purchase or a sale
(the form states neither the amount traded nor whether a disposal was a sale).

Layout quirks: one CSV row per investment, with columns ``filer, filingYear, name,
description, fmv, nature, acquired, disposed, formUrl, legislatorDigitalDemocracyUrl``;
the rows of one statement share its ``formUrl`` (the scanned form's PDF). ``nature`` is
"Stock", "Other", "Partnership" or, where the filer ticked a partnership's income box,
"Income Received of $0 - $499" / "Income Received of $500 or More". Dates are ISO, with
typing slips such as "0201-01-09" left in.

Limits: the CSV states no filing date (only the year), no owner (the form covers the
filer, spouse and dependent children together) and no ticker column: a ticker is kept
only where a description states one with its exchange ("NYSE=goog"). Value bands are
the form's: $2,000-$10,000; $10,001-$100,000; $100,001-$1,000,000; over $1,000,000
(min 1,000,001, no maximum). A date outside 1900 to the year after the filing year is
kept as text only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from typing import Any

from ptt.errors import ParseError
from ptt.model import ParsedDocument, StatedPolitician, Transaction
from ptt.parsing.tickers import ticker_after_exchange

logger = logging.getLogger(__name__)

SOURCE = "california"
FILING_TYPE = "Form 700 Schedule A-1"
REQUIRED_COLUMNS = ("filer", "filingYear", "name", "fmv", "formUrl")

_RANGE = re.compile(r"^\$\s*([0-9][0-9,]*)\s*-\s*\$\s*([0-9][0-9,]*)$")
_OVER = re.compile(r"^over\s+\$\s*([0-9][0-9,]*)$", re.IGNORECASE)
_PDF_NAME = re.compile(r"/([^/?#]+?)(?:\.pdf)?(?:[?#].*)?$", re.IGNORECASE)


def form700_band(text: str) -> tuple[int | None, int | None]:
    """Return (min, max) of a Form 700 value band such as "$10,001 - $100,000"."""
    cleaned = " ".join(text.split())
    match = _RANGE.match(cleaned)
    if match:
        return int(match.group(1).replace(",", "")), int(
            match.group(2).replace(",", "")
        )
    match = _OVER.match(cleaned)
    if match:
        # The form's bands are whole dollars: "Over $1,000,000" starts at $1,000,001.
        return int(match.group(1).replace(",", "")) + 1, None
    return None, None


def _date(text: str, filing_year: int | None) -> dt.date | None:
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    latest = (filing_year or dt.MAXYEAR - 1) + 1
    return value if 1900 <= value.year <= latest else None


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _read_rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"Form 700 CSV is not UTF-8 ({exc}); download it again", source=SOURCE
        ) from exc

    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ParseError(
            f"Form 700 CSV lacks the columns {', '.join(missing)}; it is not "
            "CalMatters' Schedule A-1 export, or its layout changed",
            source=SOURCE,
        )
    return [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]


def _slug(url: str) -> str | None:
    match = _PDF_NAME.search(url.strip())
    return match.group(1) if match else None


def _row(row: dict[str, str], number: int) -> Transaction:
    filing_year = _year(row["filingYear"])
    acquired = row.get("acquired", "").strip()
    disposed = row.get("disposed", "").strip()
    amount_min, amount_max = form700_band(row["fmv"])
    nature = row.get("nature", "").strip()
    notes = []
    if nature.startswith("Income Received"):
        # The form's box for a partnership's income, not a kind of investment: said,
        # not taken for the asset's type.
        notes.append(nature)
        nature = ""
    if acquired:
        notes.append(f"Acquired {acquired}")
    if disposed:
        notes.append(f"Disposed {disposed}")

    raw: dict[str, Any] = dict(row)
    acquired_date = _date(acquired, filing_year)
    disposed_date = _date(disposed, filing_year)
    raw["acquired_date"] = acquired_date.isoformat() if acquired_date else None
    raw["disposed_date"] = disposed_date.isoformat() if disposed_date else None
    # A few filers write the ticker into the description ("Google (NYSE=goog)").
    ticker = ticker_after_exchange(row.get("description"))
    return Transaction(
        row=number,
        asset_name=row["name"].strip() or None,
        asset_type=nature or None,
        transaction_type="holding",
        amount_range_min=amount_min,
        amount_range_max=amount_max,
        amount_text=row["fmv"].strip() or None,
        asset_ticker=ticker,
        ticker_source="document" if ticker else None,
        ticker_confidence=1.0 if ticker else None,
        description=row.get("description", "").strip() or None,
        comment="; ".join(notes) or None,
        raw=raw,
    )


def _politician(row: dict[str, str]) -> StatedPolitician | None:
    name = row["filer"].strip()
    if not name:
        return None
    profile = row.get("legislatorDigitalDemocracyUrl", "").strip()
    slug = profile.rstrip("/").rsplit("/", 1)[-1] if profile else ""
    return StatedPolitician(
        full_name=name,
        role="state legislator",
        state_country="CA",
        external_ids={"digital_democracy": slug} if slug else {},
    )


def parse_form700_csv(data: bytes) -> list[ParsedDocument]:
    """Return one document per Form 700 statement (filer, year and form) in the CSV."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in _read_rows(data):
        key = (row["filer"].strip(), row["filingYear"].strip(), row["formUrl"].strip())
        groups.setdefault(key, []).append(row)

    documents = []
    seen: set[str] = set()
    for (filer, year, form_url), rows in groups.items():
        slug = _slug(form_url) if form_url else None
        if not slug:
            documents.append(
                ParsedDocument(
                    source=SOURCE,
                    doc_id=f"{filer}/{year}",
                    parse_status="failed",
                    parse_error=(
                        f"{len(rows)} Schedule A-1 rows of {filer or 'an unnamed filer'} "
                        f"for {year or 'an unknown year'} have no formUrl; they cannot "
                        "be traced to a form"
                    ),
                    politician=_politician(rows[0]),
                )
            )
            continue

        # One form per statement is the rule; a form shared by two statements is kept
        # apart by its filer and year rather than merged.
        doc_id = slug if slug not in seen else f"{slug}/{year}/{filer}"
        if slug in seen:
            logger.warning(
                "Form %s is listed for more than one filer or year; the statement of "
                "%s for %s is stored as %s",
                form_url,
                filer,
                year,
                doc_id,
            )
        seen.add(slug)
        documents.append(
            ParsedDocument(
                source=SOURCE,
                doc_id=doc_id,
                parse_status="parsed",
                filing_type=FILING_TYPE,
                politician=_politician(rows[0]),
                transactions=[_row(row, i) for i, row in enumerate(rows, start=1)],
                url=form_url,
            )
        )
    return documents
