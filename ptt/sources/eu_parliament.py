"""European Parliament: MEPs and their declarations of private interests.

MEPs come from the Parliament's own lists: the sitting MEPs
(``/meps/en/full-list/xml``) and those who left during the term
(``/meps/en/incoming-outgoing/outgoing/xml``), each with the EP id (``ep_id``), name,
country, political group and national party. A sitting MEP's record wins over an
outgoing one with the same id.

Each MEP files a declaration of private interests as a PDF. The PDFs are not read here:
Transparency International's Integrity Watch publishes them parsed
(``data/meps/doi-pretty.json``), and that file is where the rows come from, each marked
``origin = "integritywatch"``. Every declaration is a document keyed by the official
PDF's name (``96750_DFI_LEG9_rev0_FR``), with the PDF's URL as the filing URL; its
entry in the file is archived as its own JSON document. The rows are as fresh as
Integrity Watch's copy. A declaration of an MEP neither list names is kept with the EP
id only: Integrity Watch gives no names.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from typing import Any

from ptt.config import DEFAULT_BASE_URLS, Settings
from ptt.errors import FetchError, ParseError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.sources.base import BaseSource, CollectRun, Document, listed_politicians
from ptt.sources.bundled import archive_name, process_bundled

logger = logging.getLogger(__name__)

SOURCE = "eu-parliament"
FULL_LIST_PATH = "/meps/en/full-list/xml"
OUTGOING_PATH = "/meps/en/incoming-outgoing/outgoing/xml"
DECLARATIONS_PATH = "/data/meps/doi-pretty.json"
# The lists, outgoing first: a sitting MEP's record wins over an outgoing one.
LISTS = (
    (OUTGOING_PATH, "meps/outgoing.xml", "the outgoing MEP list"),
    (FULL_LIST_PATH, "meps/full-list.xml", "the MEP list"),
)
_PDF_NAME = re.compile(r"/([^/?#]+)\.pdf(?:[?#].*)?$", re.IGNORECASE)


class EuParliamentSource(BaseSource):
    """MEPs' declared holdings and interests, as Integrity Watch publishes them."""

    id = SOURCE
    name = "European Parliament declarations of private interests"
    url = DEFAULT_BASE_URLS["eu-parliament"]
    gives = "holdings"
    base_url_key = "eu-parliament"

    def collect(self, run: CollectRun) -> None:
        """Read both MEP lists, then store each declaration Integrity Watch publishes."""
        base = run.base_url()
        meps: dict[str, StatedPolitician] = {}
        for path, name, what in LISTS:
            for mep in mep_list(run, base + path, name, what):
                meps[mep.external_ids["ep_id"]] = mep
        listed_politicians(run, list(meps.values()))

        declarations = integritywatch_declarations(run)
        bundle = []
        for declaration in declarations:
            document = declaration_document(declaration, meps)
            if document is None:
                run.metrics.records_failed += 1
                logger.warning(
                    "An Integrity Watch declaration of MEP %s has no official PDF "
                    "url and cannot be traced to a document; it is left out.",
                    declaration.get("mep_id") if isinstance(declaration, dict) else "?",
                )
                continue
            if _in_window(document, run.options.since):
                bundle.append((document, declaration_bytes(declaration)))
        unnamed = sum(1 for document, _ in bundle if document.politician is None)
        if unnamed:
            logger.warning(
                "%d of %d declarations are by MEPs neither list names; they are kept "
                "under the EP id only, until a list names them.",
                unnamed,
                len(bundle),
            )
        process_bundled(run, bundle)

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the declaration of a stored filing, to read its archived JSON again."""
        entry = json.loads(filing["index_entry"] or "{}")
        mep = self._archived_meps(settings).get(str(entry.get("mep_id")))
        return Document(
            source=SOURCE,
            doc_id=str(filing["doc_id"]),
            url=str(filing["url"]),
            archive_name=str(filing["archive_path"] or "").split("/", 1)[-1],
            reader=_reader(mep),
            politician=mep,
        )

    def _archived_meps(self, settings: Settings) -> dict[str, StatedPolitician]:
        """Return the MEPs of the lists kept in the archive, read once per source."""
        from ptt.archive import Archive
        from ptt.errors import StoreError
        from ptt.parsing.eu_parliament import parse_mep_list

        cached: dict[str, StatedPolitician] | None = getattr(self, "_meps", None)
        if cached is not None:
            return cached

        archive = Archive(settings.documents_dir)
        meps: dict[str, StatedPolitician] = {}
        for _, name, what in LISTS:
            try:
                listed = parse_mep_list(archive.read(SOURCE, name))
            except (ParseError, StoreError) as exc:
                logger.warning(
                    "The archived %s cannot be read (%s); declarations are read "
                    "again without its names.",
                    what,
                    exc.message,
                )
                continue
            meps.update({mep.external_ids["ep_id"]: mep for mep in listed})
        self._meps = meps
        return meps


def mep_list(run: CollectRun, url: str, name: str, what: str) -> list[StatedPolitician]:
    """Return the MEPs of one of the Parliament's list XMLs, fetched and archived."""
    from ptt.parsing.eu_parliament import parse_mep_list

    try:
        data = run.fetch_index(url, name)
    except FetchError as exc:
        raise FetchError(
            f"{what} could not be fetched: {exc.message}", source=SOURCE, url=url
        ) from exc
    try:
        meps = parse_mep_list(data)
    except ParseError as exc:
        raise ParseError(
            f"{what} ({url}) cannot be read: {exc.message}", source=SOURCE, url=url
        ) from exc
    # Only the outgoing list may be empty (early in a term); a sitting list without
    # MEPs is an error page or a changed layout, not a Parliament.
    if not meps and _is_sitting_list(url):
        raise ParseError(
            f"{what} ({url}) names no MEP; the site may have answered an error page",
            source=SOURCE,
            url=url,
        )
    logger.info("%s names %d MEP(s).", what.capitalize(), len(meps))
    return meps


def _is_sitting_list(url: str) -> bool:
    """Return whether a list URL is the list of sitting MEPs."""
    return url.endswith(FULL_LIST_PATH)


def integritywatch_declarations(run: CollectRun) -> list[Any]:
    """Return the declarations of Integrity Watch's file, fetched and archived."""
    url = run.base_url("integritywatch") + DECLARATIONS_PATH
    what = "Integrity Watch's declarations"
    try:
        data = run.fetch_index(url, "integritywatch/doi-pretty.json")
    except FetchError as exc:
        raise FetchError(
            f"{what} could not be fetched: {exc.message}", source=SOURCE, url=url
        ) from exc
    try:
        declarations = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"{what} ({url}) are not valid JSON ({exc}); the download may be cut short",
            source=SOURCE,
            url=url,
        ) from exc
    if not isinstance(declarations, list):
        raise ParseError(
            f"{what} ({url}) are not a JSON list; the file's layout may have changed",
            source=SOURCE,
            url=url,
        )
    if not declarations:
        raise ParseError(
            f"{what} ({url}) are an empty list; the file may be being republished",
            source=SOURCE,
            url=url,
        )
    logger.info("%s list %d declaration(s).", what, len(declarations))
    return declarations


def declaration_bytes(declaration: Any) -> bytes:
    """Return one declaration as the archived JSON document (a list of one)."""
    return json.dumps([declaration], ensure_ascii=False, indent=2).encode() + b"\n"


def _reader(mep: StatedPolitician | None) -> Any:
    def read(data: bytes) -> ParsedDocument:
        from ptt.parsing.eu_parliament import parse_integritywatch

        try:
            documents = parse_integritywatch(
                data, [mep] if mep else (), warn_unnamed=False
            )
        except ParseError as exc:
            return ParsedDocument(
                source=SOURCE, doc_id="", parse_status="failed", parse_error=exc.message
            )
        if len(documents) != 1:
            return ParsedDocument(
                source=SOURCE,
                doc_id="",
                parse_status="failed",
                parse_error=f"the archived declaration holds {len(documents)} entries",
            )
        return documents[0]

    return read


def _pdf_name(url: str) -> str | None:
    """Return the official PDF's name, the declaration's document id, as the parser does."""
    match = _PDF_NAME.search(url)
    return match.group(1) if match else None


def declaration_document(
    declaration: Any, meps: dict[str, StatedPolitician]
) -> Document | None:
    """Return the Document of one declaration, or None when it names no PDF."""
    from ptt.parsing.eu_parliament import FILING_TYPE

    url = declaration.get("url") if isinstance(declaration, dict) else None
    doc_id = _pdf_name(url) if isinstance(url, str) else None
    if not isinstance(url, str) or not doc_id:
        return None

    mep_id = declaration.get("mep_id")
    mep = meps.get(str(mep_id)) if mep_id is not None else None
    data = declaration_bytes(declaration)
    return Document(
        source=SOURCE,
        doc_id=doc_id,
        url=url,
        archive_name=archive_name(f"declarations/{doc_id}", data, "json"),
        reader=_reader(mep),
        politician=mep,
        index_entry={"mep_id": mep_id, "date": declaration.get("date"), "url": url},
        filing_type=FILING_TYPE,
        filing_date=_declared_on(declaration.get("date")),
    )


def _declared_on(text: Any) -> dt.date | None:
    """Return a declaration's date, which Integrity Watch writes DD/MM/YYYY."""
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _in_window(document: Document, since: dt.date | None) -> bool:
    """Return whether a declaration was filed on or after ``since`` (undated: kept)."""
    if since is None or document.filing_date is None:
        return True
    return bool(document.filing_date >= since)
