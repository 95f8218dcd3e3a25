"""The US House of Representatives' financial disclosures (the Clerk's site).

The Clerk publishes one index per year, ``{YEAR}FD.zip`` (XML and tab-separated forms of
the same list), refreshed on business days. It is asked for conditionally (ETag,
Last-Modified), so an unchanged index costs one short answer. Each Periodic Transaction
Report (filing type ``P``) is a PDF under ``ptr-pdfs/{YEAR}/{DocID}.pdf``; scanned paper
filings have no text and are recorded as needing OCR.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from ptt import clock
from ptt.config import DEFAULT_BASE_URLS, Settings
from ptt.errors import FetchError, ParseError
from ptt.parsing.codes import FILING_TYPE_PTR
from ptt.sources.base import BaseSource, CollectRun, Document, listed_politicians

if TYPE_CHECKING:
    import httpx

    from ptt.parsing.house import HouseIndexEntry

logger = logging.getLogger(__name__)

SOURCE = "us-house"
# The Clerk refreshes a year's index on business days, so the reports filed in a year's
# last days reach its index in the first days of the next: for this many days into a
# new year, a run without --year reads the year before's index too.
NEW_YEAR_GRACE_DAYS = 31


def index_years(
    today: dt.date, last_success: dt.date | None, since: dt.date | None
) -> list[int]:
    """Return the yearly indexes a run without --year reads.

    This year's; the year before's early in a new year; with --since, every year from
    that date's; otherwise every year since the last successful pull, so that a pause
    over a new year loses nothing.
    """
    first = today.year - 1 if _early_in_the_year(today) else today.year
    start = since if since is not None else last_success
    if start is not None:
        first = min(first, start.year)
    return list(range(min(first, today.year), today.year + 1))


def _early_in_the_year(today: dt.date) -> bool:
    return (today - dt.timedelta(days=NEW_YEAR_GRACE_DAYS)).year < today.year


class UsHouseSource(BaseSource):
    """Periodic Transaction Reports filed by members of the House, from the Clerk."""

    id = SOURCE
    name = "US House of Representatives Financial Disclosures"
    url = DEFAULT_BASE_URLS["us-house"]
    gives = "trades"
    base_url_key = "us-house"

    def collect(self, run: CollectRun) -> None:
        """Read each year's index, keep the PTRs, and process their PDFs."""
        from ptt.parsing.house import index_zip_path, read_index_zip

        base = run.base_url()
        documents: list[Document] = []
        problems: list[str] = []
        explicit = run.options.years_given
        today = clock.now().date()
        years = run.options.chosen_years() if explicit else _default_years(run, today)
        for year in years:
            url = base + index_zip_path(year)
            try:
                data = run.fetch_index(url, f"index/{year}FD.zip")
            except FetchError as exc:
                if not explicit and _not_yet_published(exc, year, today):
                    logger.warning(
                        "The House %d index is not published yet (%s answers 404); "
                        "the next run asks again.",
                        year,
                        url,
                    )
                    continue
                problems.append(f"the {year} index could not be fetched: {exc.message}")
                continue
            try:
                entries = read_index_zip(data)
            except ParseError as exc:
                run.metrics.records_failed += 1
                problems.append(f"the {year} index {url} cannot be read: {exc.message}")
                continue

            ptrs = [e for e in entries if e.is_ptr and _in_window(e, run.options.since)]
            logger.info(
                "The House %d index lists %d filing(s), %d of them PTRs in the window.",
                year,
                len(entries),
                len(ptrs),
            )
            listed_politicians(run, [e.politician() for e in ptrs])
            documents += [ptr_document(base, year, entry) for entry in ptrs]

        if problems and not documents:
            # No index could be read: the site is likely down, so the reports fetched
            # in vain before are left for the next run.
            raise FetchError("; ".join(problems), source=SOURCE)

        # Reports fetched in vain before (a missing PDF) are tried again.
        listed = {d.doc_id for d in documents}
        for filing in run.unfetched_filings():
            if filing["doc_id"] not in listed:
                documents.append(self.document_for(filing, run.settings))
        run.process(documents)
        if problems:
            raise FetchError("; ".join(problems), source=SOURCE)

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the PTR of a stored filing, to fetch or read it again."""
        import json

        from ptt.parsing.house import HouseIndexEntry

        base = settings.base_url(self.base_url_key)
        entry_data: dict[str, Any] = json.loads(filing["index_entry"] or "{}")
        names = {f.name for f in dataclasses.fields(HouseIndexEntry)}
        if entry_data.get("last") and names <= set(entry_data):
            filed = entry_data.get("filing_date")
            entry = HouseIndexEntry(
                **{
                    **{name: entry_data[name] for name in names},
                    "filing_date": dt.date.fromisoformat(filed) if filed else None,
                }
            )
            year = entry.year or int(filing["year"] or 0)
            return ptr_document(base, year, entry)

        year = int(filing["year"] or 0)
        return _bare_document(base, year, str(filing["doc_id"]), filing["url"])


def _default_years(run: CollectRun, today: dt.date) -> list[int]:
    from ptt.collect import last_success

    previous = last_success(run.conn, SOURCE)
    return index_years(
        today, previous.date() if previous is not None else None, run.options.since
    )


def _not_yet_published(exc: FetchError, year: int, today: dt.date) -> bool:
    """Return whether a 404 is a new year's index the Clerk has not published yet."""
    return exc.status == 404 and year == today.year and _early_in_the_year(today)


def _in_window(entry: HouseIndexEntry, since: dt.date | None) -> bool:
    if since is None:
        return True
    return entry.filing_date is not None and entry.filing_date >= since


def _entry_dict(entry: HouseIndexEntry) -> dict[str, Any]:
    return {
        "prefix": entry.prefix,
        "last": entry.last,
        "first": entry.first,
        "suffix": entry.suffix,
        "filing_type": entry.filing_type,
        "state_district": entry.state_district,
        "state": entry.state,
        "district": entry.district,
        "year": entry.year,
        "filing_date": entry.filing_date.isoformat() if entry.filing_date else None,
        "doc_id": entry.doc_id,
    }


def ptr_document(base: str, year: int, entry: HouseIndexEntry) -> Document:
    """Return the Document of one PTR the index lists."""
    from ptt.parsing.house import parse_house_ptr, ptr_pdf_path

    url = base + ptr_pdf_path(year, entry.doc_id)
    # A partial of the module's function pickles, so the PDF is read in a worker.
    read = functools.partial(parse_house_ptr, doc_id=entry.doc_id, entry=entry, url=url)

    return Document(
        source=SOURCE,
        doc_id=entry.doc_id,
        url=url,
        archive_name=f"{year}/{entry.doc_id}.pdf",
        reader=read,
        read_in_worker=True,
        politician=entry.politician(),
        index_entry=_entry_dict(entry),
        filing_type=FILING_TYPE_PTR,
        filing_date=entry.filing_date,
        check=check_pdf,
    )


def _bare_document(base: str, year: int, doc_id: str, url: str | None) -> Document:
    from ptt.parsing.house import parse_house_ptr, ptr_pdf_path

    address = url or base + ptr_pdf_path(year, doc_id)

    return Document(
        source=SOURCE,
        doc_id=doc_id,
        url=address,
        archive_name=f"{year}/{doc_id}.pdf",
        reader=functools.partial(parse_house_ptr, doc_id=doc_id, url=address),
        read_in_worker=True,
        filing_type=FILING_TYPE_PTR,
        check=check_pdf,
    )


def check_pdf(response: httpx.Response) -> str | None:
    """Return why an answer is not a PDF (a maintenance or error page), or None."""
    head = response.content[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return None
    if head[:1] == b"<":
        return "the site answered an HTML page instead of the PDF; it may be down"
    return None
