"""The US Senate's Electronic Financial Disclosures (efdsearch.senate.gov).

A session must accept the site's usage agreement before it may search: the home page sets
a ``csrftoken`` cookie and carries the form's token, the agreement is posted back with
it, and the search then answers DataTables JSON, 100 reports a page. Each report is an
HTML page: an electronic PTR (a table of trades) or the viewer of a scanned paper filing
(page images only, recorded as needing OCR with their URLs).

The site fails in ways that look like success: a 403 from its firewall, an empty 200, a
redirect back to the agreement, an HTML page where JSON belongs. Each ends the run with a
message naming the step, never as "no new filings".
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ptt import clock
from ptt.config import DEFAULT_BASE_URLS, Settings
from ptt.errors import BlockedError, FetchError
from ptt.model import StatedPolitician
from ptt.sources.base import BaseSource, CollectRun, Document, listed_politicians

if TYPE_CHECKING:
    import httpx

    from ptt.parsing.senate import SearchRow

logger = logging.getLogger(__name__)

SOURCE = "us-senate"
HOME_PATH = "/search/home/"
SEARCH_PAGE_PATH = "/search/"
SEARCH_DATA_PATH = "/search/report/data/"
PAGE_SIZE = 100
REPORT_TYPE_PTR = "[11]"
_DATE_FORMAT = "%m/%d/%Y %H:%M:%S"
_KIND = re.compile(r"/search/view/([a-z_-]+)/")
_AGREEMENT_MARK = b"prohibition_agreement"
_ROLE_IN_BRACKETS = re.compile(r"\s*\([^()]*\)\s*$")


class UsSenateSource(BaseSource):
    """Periodic Transaction Reports filed by senators, from the eFD search."""

    id = SOURCE
    name = "US Senate Electronic Financial Disclosures"
    url = DEFAULT_BASE_URLS["us-senate"]
    gives = "trades"
    base_url_key = "us-senate"

    def collect(self, run: CollectRun) -> None:
        """Accept the agreement, search the window for PTRs, and process the reports."""
        base = run.base_url()
        start, end = search_window(run)
        logger.info(
            "Searching the Senate eFD for PTRs submitted from %s to %s.",
            start,
            end or "today",
        )
        token = accept_agreement(run, base)
        pages = search_pages(run, base, token, start, end)
        documents = self._listed(run, base, next(pages))

        listed = {d.doc_id for d in documents}
        # Reports whose page could not be fetched before are tried again even when they
        # have left the search window (one a later page lists is fetched only once).
        for filing in run.unfetched_filings():
            if filing["doc_id"] not in listed:
                documents.append(self.document_for(filing, run.settings))
        # The reports of the first page are fetched while the later pages are read.
        run.process(
            documents, more=pages, prepare=lambda rows: self._listed(run, base, rows)
        )

    def _listed(
        self, run: CollectRun, base: str, rows: list[SearchRow]
    ) -> list[Document]:
        """Record the senators a page of the search names; return its reports."""
        ids = listed_politicians(run, [listed_politician(row) for row in rows])
        if ids:
            _record_display_names(run, rows, ids)
        return [self._document(base, row) for row in rows]

    def _document(self, base: str, row: SearchRow) -> Document:
        # The site's own host is replaced by the base URL, so that a mirror serves
        # the report pages too.
        url = base + urlsplit(row.report_url).path
        return report_document(
            doc_id=row.doc_id,
            url=url,
            kind=row.report_kind,
            politician=listed_politician(row),
            index_entry=_entry(row),
            filing_date=row.filing_date,
            is_amendment=row.is_amendment,
        )

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the report of a stored filing, to fetch or read it again."""
        import json

        entry: dict[str, Any] = json.loads(filing["index_entry"] or "{}")
        url = str(filing["url"])
        match = _KIND.search(url)
        politician = None
        if entry.get("last_name"):
            politician = _politician(
                entry.get("first_name") or "",
                entry["last_name"],
                entry.get("suffix"),
                entry.get("office"),
            )
        filed = entry.get("filing_date")
        return report_document(
            doc_id=str(filing["doc_id"]),
            url=url,
            kind=match.group(1) if match else "ptr",
            politician=politician,
            index_entry=entry or None,
            filing_date=dt.date.fromisoformat(filed) if filed else None,
            is_amendment=bool(entry.get("is_amendment")),
        )


def report_document(
    *,
    doc_id: str,
    url: str,
    kind: str,
    politician: StatedPolitician | None,
    index_entry: dict[str, Any] | None,
    filing_date: dt.date | None,
    is_amendment: bool,
) -> Document:
    """Return the Document of one Senate report page."""
    from ptt.parsing.codes import FILING_TYPE_PTR
    from ptt.parsing.senate import parse_senate_paper, parse_senate_ptr

    def read(data: bytes) -> Any:
        if kind == "paper":
            return parse_senate_paper(data, doc_id, url)
        return parse_senate_ptr(data, doc_id, url)

    return Document(
        source=SOURCE,
        doc_id=doc_id,
        url=url,
        archive_name=f"{kind}/{doc_id}.html",
        reader=read,
        politician=politician,
        index_entry=index_entry,
        filing_type=FILING_TYPE_PTR,
        filing_date=filing_date,
        is_amendment=is_amendment,
        check=check_report_page,
    )


def search_window(run: CollectRun) -> tuple[dt.date, dt.date | None]:
    """Return the first and last submitted dates to search (None: up to today)."""
    from ptt.collect import last_success

    options = run.options
    if options.since is not None:
        return options.since, None
    if options.years_given:
        years = options.chosen_years()
        return dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)

    previous = last_success(run.conn, SOURCE)
    if previous is not None:
        # From the day of the last successful pull, not the day after: a report
        # submitted later that same day was not listed then.
        return previous.date(), None
    return dt.date(clock.now().year, 1, 1), None


# --- the agreement and the search ---------------------------------------------------


def _is_agreement(response: httpx.Response) -> bool:
    path = urlsplit(str(response.url)).path
    return path.rstrip("/") == HOME_PATH.rstrip("/") or (
        _AGREEMENT_MARK in response.content
    )


def _agreement_refused(response: httpx.Response) -> bool:
    """Return whether the answer to the posted agreement is the agreement again."""
    if not response.is_redirect:
        return _is_agreement(response)
    location = urlsplit(str(response.headers.get("Location", ""))).path
    return location.rstrip("/") == HOME_PATH.rstrip("/")


def _step(run: CollectRun, step: str, call: Any) -> httpx.Response:
    """Return the response of one step, its failure reworded to name the step."""
    try:
        response: httpx.Response = call()
    except BlockedError as exc:
        raise BlockedError(f"{step} was refused: {exc.message}", url=exc.url) from exc
    except FetchError as exc:
        raise FetchError(f"{step} failed: {exc.message}", url=exc.url) from exc
    run.metrics.index_requests += 1
    if not response.content.strip() and not response.is_redirect:
        raise BlockedError(
            f"{step} answered an empty page (HTTP {response.status_code}); the site's "
            "firewall may be blocking ptt, try again later"
        )
    return response


def _cookie(run: CollectRun, name: str) -> str | None:
    for cookie in run.http.cookies.jar:
        if cookie.name == name and cookie.value:
            return str(cookie.value)
    return None


def accept_agreement(run: CollectRun, base: str) -> str:
    """Accept the usage agreement for the client's session; return the CSRF token."""
    from ptt.parsing.senate import find_csrf_token

    home = base + HOME_PATH
    page = _step(
        run, "the agreement page (GET /search/home/)", lambda: run.http.get(home)
    )
    token = find_csrf_token(page.content)
    if token is None:
        raise FetchError(
            "the agreement page (GET /search/home/) has no CSRF token "
            "(csrfmiddlewaretoken); the site's form changed"
        )

    # The redirect that answers an accepted agreement is not followed: the session
    # cookie comes with it, and the search page it leads to is one request more.
    accepted = _step(
        run,
        "accepting the agreement (POST /search/home/)",
        lambda: run.http.post(
            home,
            data={"prohibition_agreement": "1", "csrfmiddlewaretoken": token},
            headers={"Referer": home},
            follow_redirects=False,
        ),
    )
    if _agreement_refused(accepted):
        raise BlockedError(
            "accepting the agreement (POST /search/home/) led back to the agreement "
            "page; the site did not accept the session"
        )
    # The site may rotate the token when it opens the session: the cookie is current.
    return _cookie(run, "csrftoken") or token


def search_pages(
    run: CollectRun, base: str, token: str, start: dt.date, end: dt.date | None
) -> Iterator[list[SearchRow]]:
    """Yield the PTRs the search lists for the window, a page at a time (at least one).

    Only HTTP and parsing happen here, never the database, so that the pages after
    the first can be read on a thread of their own.
    """
    from ptt.parsing.senate import parse_search_results

    url = base + SEARCH_DATA_PATH
    rows: dict[str, SearchRow] = {}
    offset = 0
    while True:
        form = {
            "start": str(offset),
            "length": str(PAGE_SIZE),
            "report_types": REPORT_TYPE_PTR,
            "filer_types": "[]",
            "submitted_start_date": dt.datetime.combine(start, dt.time()).strftime(
                _DATE_FORMAT
            ),
            "submitted_end_date": dt.datetime.combine(
                end, dt.time(23, 59, 59)
            ).strftime(_DATE_FORMAT)
            if end
            else "",
            "candidate_state": "",
            "senator_state": "",
            "office_id": "",
            "first_name": "",
            "last_name": "",
            "csrfmiddlewaretoken": token,
        }
        step = f"the search (POST /search/report/data/, from row {offset})"
        response = _step(
            run,
            step,
            lambda form=form: run.http.post(
                url, data=form, headers={"Referer": base + SEARCH_PAGE_PATH}
            ),
        )
        if _is_agreement(response):
            raise BlockedError(
                f"{step} answered with the agreement page instead of JSON; the "
                "session was not accepted"
            )
        try:
            page = parse_search_results(response.content)
        except FetchError as exc:
            raise FetchError(f"{step}: {exc.message}") from exc

        if offset == 0 and not page.rows and page.records_total > 0:
            raise FetchError(
                f"{step} counts {page.records_total} reports but its first page "
                "lists none"
            )
        new = [row for row in page.rows if row.doc_id not in rows]
        rows.update((row.doc_id, row) for row in new)
        if new or offset == 0:
            yield new
        offset += PAGE_SIZE
        if offset >= page.records_total:
            break
        if not new:
            logger.warning(
                "The Senate search promised %d reports but its page from row %d "
                "listed no new one; stopping at %d.",
                page.records_total,
                offset - PAGE_SIZE,
                len(rows),
            )
            break
    logger.info("The Senate search lists %d PTR(s).", len(rows))


def check_report_page(response: httpx.Response) -> str | None:
    """Return why a report page is not the report; end the run if the session is gone."""
    if _is_agreement(response):
        asked = response.history[0].url if response.history else response.url
        raise BlockedError(
            f"the report page {asked} answered with the agreement page; the "
            "session expired or was not accepted"
        )
    if not response.content.strip():
        return "the report page came back empty"
    return None


# --- the filer --------------------------------------------------------------------


def stated_role(office: str | None) -> str | None:
    """Return the role the search's office column states: "Senator", or the words in
    brackets after a "Last, First" name; None when it states none."""
    text = " ".join((office or "").split())
    bracketed = _ROLE_IN_BRACKETS.search(text)
    if bracketed:
        return bracketed.group(0).strip().strip("()").strip() or None
    return text if text and "," not in text else None


def _politician(
    first: str, last: str, suffix: str | None, office: str | None
) -> StatedPolitician:
    first = " ".join(first.split())
    last = " ".join(last.split())
    full_name = " ".join(part for part in (first, last) if part)
    if suffix:
        full_name += f" {suffix}"
    return StatedPolitician(
        full_name=full_name,
        first_name=first or None,
        last_name=last,
        suffix=suffix,
        role=stated_role(office),
        chamber="senate",
    )


def listed_politician(row: SearchRow) -> StatedPolitician:
    """Return the senator as the search row names them."""
    return _politician(row.first_name, row.last_name, row.suffix, row.office)


def _display_name(row: SearchRow) -> StatedPolitician | None:
    """Return the office's "Last, First (Senator)" spelling, when it names someone."""
    text = _ROLE_IN_BRACKETS.sub("", row.office).strip()
    if "," not in text:
        return None
    return StatedPolitician(
        full_name=text, role=stated_role(row.office), chamber="senate"
    )


def _record_display_names(
    run: CollectRun, rows: list[SearchRow], ids: dict[str, int]
) -> None:
    from ptt.names import identity_key
    from ptt.store import add_politician_names, find_politician

    done: set[tuple[str, int]] = set()
    for row in rows:
        shown = _display_name(row)
        politician_id = ids.get(identity_key(listed_politician(row)))
        if shown is None or politician_id is None:
            continue
        if (shown.full_name, politician_id) in done:
            continue
        done.add((shown.full_name, politician_id))
        found = find_politician(run.conn, shown)
        if found is None or found == politician_id:
            # Only the alias: the display name's parts are not stated as fields.
            add_politician_names(
                run.conn,
                politician_id,
                StatedPolitician(full_name=shown.full_name, chamber="senate"),
                source_id=SOURCE,
            )


def _entry(row: SearchRow) -> dict[str, Any]:
    return {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "suffix": row.suffix,
        "office": row.office,
        "report_url": row.report_url,
        "report_kind": row.report_kind,
        "title": row.title,
        "is_amendment": row.is_amendment,
        "filing_date": row.filing_date.isoformat(),
    }
