"""UK Parliament: the Register of Members' Financial Interests, through its two APIs.

The Members API lists the sitting MPs (``/api/Members/Search?House=1&IsCurrentMember=
true``, twenty a page, each wrapped as ``items[].value``): name, party, constituency and
member id, which becomes ``uk_member_id``. The Interests API pages the whole register
(``/api/v1/Interests?ExpandChildInterests=true``, at most twenty a page), each interest
with its category, its member and its child interests. Each interest is a document,
keyed by its id; its JSON, as the API gave it, is archived. Shareholdings (category id
8) are holdings with the threshold the register states; every other category is kept as
an interest with its category name. MPs declare holdings, never trades.

The register is asked for with ``ExpandChildInterests=true``, so a child interest comes
nested in its parent and is a row of the parent's document. Whether the API then also
lists a child at the top level is not known from the real API; a top-level interest
whose parent nests it (in the same listing, or in the parent's stored rows) is not
stored a second time. One whose parent does not hold it is stored as its own document,
so that nothing the register states is lost.

A member an interest names who is not in the sitting list (one who left) is looked up
by id; one the Members API does not know is kept as the interest names them. A failed
or unreadable page ends the run with a message naming the page: a register read half
way is never reported as complete.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Collection
from typing import Any

from ptt.config import DEFAULT_BASE_URLS, Settings
from ptt.errors import FetchError, ParseError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.sources.base import BaseSource, CollectRun, Document, listed_politicians
from ptt.sources.bundled import archive_name, process_bundled

logger = logging.getLogger(__name__)

SOURCE = "uk-parliament"
INTERESTS_PATH = "/api/v1/Interests"
MEMBERS_SEARCH_PATH = "/api/Members/Search"
MEMBER_PATH = "/api/Members/{id}"
# The Interests API answers at most 20 interests a page, whatever Take asks for.
PAGE_SIZE = 20
COMMONS = 1


class UkParliamentSource(BaseSource):
    """MPs' registered holdings and interests, from the Members and Interests APIs."""

    id = SOURCE
    name = "UK Parliament Register of Members' Financial Interests"
    url = DEFAULT_BASE_URLS["uk-interests"]
    gives = "holdings"
    base_url_key = "uk-interests"

    def collect(self, run: CollectRun) -> None:
        """Read the sitting MPs, page through the register, and store each interest."""
        members_base = run.base_url("uk-members")
        members = {
            member.external_ids["uk_member_id"]: member
            for member in sitting_members(run, members_base)
            if "uk_member_id" in member.external_ids
        }
        listed_politicians(run, list(members.values()))

        items = register_interests(run, run.base_url())
        items = without_nested_children(items, stored_children(run.conn))
        items = [item for item in items if _in_window(item, run.options.since)]
        named = {_member_id(item) for item in items} - {None, *members}
        for member_id in sorted(m for m in named if m):
            found = former_member(run, members_base, member_id)
            if found is not None:
                members[member_id] = found

        bundle = []
        for item in items:
            if item.get("id") is None:
                run.metrics.records_failed += 1
                logger.warning(
                    "An interest of %s has no id and cannot be traced to the "
                    "register; it is left out.",
                    _member_id(item) or "an unnamed member",
                )
                continue
            data = interest_bytes(item)
            bundle.append((interest_document(item, data, members), data))
        process_bundled(run, bundle)

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the interest of a stored filing, to read its archived JSON again."""
        return Document(
            source=SOURCE,
            doc_id=str(filing["doc_id"]),
            url=str(filing["url"] or _official_url(str(filing["doc_id"]))),
            archive_name=str(filing["archive_path"] or "").split("/", 1)[-1],
            reader=read_interest,
        )


def _get_json_page(
    run: CollectRun,
    url: str,
    params: dict[str, Any],
    what: str,
    read: Callable[[bytes], Any],
) -> Any:
    run.metrics.index_requests += 1
    try:
        response = run.http.get(url, params=params)
    except FetchError as exc:
        raise FetchError(
            f"{what} could not be fetched: {exc.message}", source=SOURCE, url=url
        ) from exc
    try:
        return read(response.content)
    except ParseError as exc:
        raise ParseError(
            f"{what} ({response.url}) cannot be read: {exc.message}",
            source=SOURCE,
            url=str(response.url),
        ) from exc


def _all_pages(
    run: CollectRun,
    url: str,
    params: Callable[[int], dict[str, Any]],
    what: Callable[[int], str],
    read: Callable[[bytes], Any],
    entries: Callable[[Any], list[Any]],
    noun: str,
) -> list[Any]:
    """Return every entry of a paged API, asking from skip 0 until it has them all."""
    found: list[Any] = []
    skip, total = 0, None
    while total is None or skip < total:
        page = _get_json_page(run, url, params(skip), what(skip), read)
        if page.skip is not None and page.skip != skip:
            raise ParseError(
                f"{what(skip)} answered skip {page.skip}: the API ignored the paging, "
                "so the list cannot be read whole",
                source=SOURCE,
            )
        total = page.total_results
        listed = entries(page)
        if not listed:
            if skip == 0 and total > 0:
                # An empty list read as success would hide a broken API.
                raise ParseError(
                    f"{what(skip)} counts {total} {noun} but lists none", source=SOURCE
                )
            if skip < total:
                logger.warning(
                    "%s stopped at %d of the %d %s it counts; the list may have "
                    "changed while it was read.",
                    what(skip),
                    skip,
                    total,
                    noun,
                )
            break
        found += listed
        skip += len(listed)
    return found


def sitting_members(run: CollectRun, base: str) -> list[StatedPolitician]:
    """Return every sitting MP the Members API lists, page by page."""
    from ptt.parsing.uk_parliament import parse_members_search

    members: list[StatedPolitician] = _all_pages(
        run,
        base + MEMBERS_SEARCH_PATH,
        lambda skip: {
            "House": COMMONS,
            "IsCurrentMember": "true",
            "skip": skip,
            "take": PAGE_SIZE,
        },
        lambda skip: f"the Members API search page at skip {skip}",
        parse_members_search,
        lambda page: page.members,
        "sitting members",
    )
    logger.info("The Members API lists %d sitting MP(s).", len(members))
    return members


def register_interests(run: CollectRun, base: str) -> list[dict[str, Any]]:
    """Return every interest of the register, page by page, with child interests."""
    from ptt.parsing.uk_parliament import parse_interests_page

    items: list[dict[str, Any]] = _all_pages(
        run,
        base + INTERESTS_PATH,
        lambda skip: {"ExpandChildInterests": "true", "Skip": skip, "Take": PAGE_SIZE},
        lambda skip: f"the Interests API page at Skip={skip}",
        parse_interests_page,
        lambda page: page.items,
        "interests",
    )
    logger.info("The Interests API lists %d interest(s).", len(items))
    return items


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def stored_children(conn: sqlite3.Connection) -> set[str]:
    """Return the ids of child interests stored as rows of their parent's document."""
    return {
        str(row[0])
        for row in conn.execute(
            "SELECT json_extract(t.raw, '$.interest_id') FROM trading_disclosures t "
            "JOIN filings f ON f.id = t.filing_id WHERE f.source_id = ? "
            "AND t.status = 'active' AND t.raw IS NOT NULL "
            "AND json_extract(t.raw, '$.parent_interest_id') = CAST(f.doc_id AS INT)",
            (SOURCE,),
        )
        if row[0] is not None
    }


def without_nested_children(
    items: list[dict[str, Any]], stored: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Return the listed interests without the children their parent already holds.

    A child is left out when a listed parent nests it or the parent's stored rows hold
    it (``stored``, see :func:`stored_children`); one whose parent holds no copy of it
    stays, so that it is stored as its own document rather than lost.
    """
    nested = {
        _id(child.get("id"))
        for item in items
        for child in item.get("childInterests") or []
        if isinstance(child, dict)
    } - {None}
    kept = []
    for item in items:
        interest_id = _id(item.get("id"))
        parent_id = _id(item.get("parentInterestId"))
        if interest_id is not None and (interest_id in nested or interest_id in stored):
            logger.info(
                "Interest %s is listed on its own and as a child of interest %s; it "
                "is stored once, as a row of its parent.",
                interest_id,
                parent_id or "another",
            )
            continue
        if parent_id is not None:
            logger.warning(
                "Interest %s names interest %s as its parent, which holds no copy of "
                "it; it is stored as its own document.",
                interest_id,
                parent_id,
            )
        kept.append(item)
    return kept


def former_member(
    run: CollectRun, base: str, member_id: str
) -> StatedPolitician | None:
    """Return a member who is not sitting, from the Members API, or None if unknown."""
    from ptt.parsing.uk_parliament import parse_member

    url = base + MEMBER_PATH.format(id=member_id)
    run.metrics.index_requests += 1
    try:
        response = run.http.get(url)
    except FetchError as exc:
        if exc.status != 404:
            raise FetchError(
                f"the Members API answer for member {member_id} could not be "
                f"fetched: {exc.message}",
                source=SOURCE,
                url=url,
            ) from exc
        logger.warning(
            "The Members API does not know member %s; their interests keep the name "
            "the register gives.",
            member_id,
        )
        return None
    try:
        return parse_member(response.content)
    except ParseError as exc:
        raise ParseError(
            f"the Members API answer for member {member_id} cannot be read: "
            f"{exc.message}",
            source=SOURCE,
            url=url,
        ) from exc


def interest_bytes(item: dict[str, Any]) -> bytes:
    """Return one interest as the archived JSON document."""
    return json.dumps(item, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def read_interest(data: bytes) -> ParsedDocument:
    """Return the archived JSON of one interest, read."""
    from ptt.parsing.uk_parliament import interest_to_document

    try:
        item = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ParsedDocument(
            source=SOURCE,
            doc_id="",
            parse_status="failed",
            parse_error=f"the archived interest is not valid JSON ({exc})",
        )
    return interest_to_document(item)


def interest_document(
    item: dict[str, Any], data: bytes, members: dict[str, StatedPolitician]
) -> Document:
    """Return the Document of one interest the register lists."""
    doc_id = str(item["id"])
    category = item.get("category") if isinstance(item.get("category"), dict) else {}
    member_id = _member_id(item)
    return Document(
        source=SOURCE,
        doc_id=doc_id,
        url=_self_link(item) or _official_url(doc_id),
        archive_name=archive_name(f"interests/{doc_id}", data, "json"),
        reader=read_interest,
        politician=members.get(member_id) if member_id else None,
        index_entry={
            "interest_id": item["id"],
            "category_id": (category or {}).get("id"),
            "category": (category or {}).get("name"),
            "member_id": member_id,
            "registration_date": item.get("registrationDate"),
            "published_date": item.get("publishedDate"),
        },
        filing_type="Register of Members' Financial Interests",
        filing_date=_date(item.get("registrationDate")),
    )


def _member_id(item: dict[str, Any]) -> str | None:
    member = item.get("member")
    if isinstance(member, dict) and member.get("id") is not None:
        return str(member["id"])
    return None


def _self_link(item: dict[str, Any]) -> str | None:
    for link in item.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    return None


def _official_url(doc_id: str) -> str:
    return DEFAULT_BASE_URLS["uk-interests"] + f"{INTERESTS_PATH}/{doc_id}"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _in_window(item: dict[str, Any], since: dt.date | None) -> bool:
    """Return whether an interest was registered, published or updated since a date."""
    if since is None:
        return True
    stated = [item.get("registrationDate"), item.get("publishedDate")]
    stated += item.get("updatedDates") or []
    dates = [d for d in (_date(v) for v in stated) if d is not None]
    return not dates or max(dates) >= since
