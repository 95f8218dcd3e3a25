"""What every source is, and the run context the workflow hands it.

A source is a small class (see :class:`BaseSource`) that knows its site: it reads the
site's index or search, turns each listed filing into a :class:`Document` (where it is,
which reader reads it, what the listing says about it) and hands the list to
:meth:`CollectRun.process`. The run does the rest the same way for every source: it
skips documents already archived, fetches the others concurrently, archives each with its
sha256, reads it, stores it in its own transaction, counts, and records a failed
document with its reason without stopping. A new source is one module::

    class ExampleSource(BaseSource):
        id = "example"
        name = "Example register"
        url = "https://example.org"
        gives = "trades"                  # or "holdings"
        base_url_key = "example"          # a key of Settings.base_urls

        def collect(self, run: CollectRun) -> None:
            listing = run.fetch_index(run.base_url() + "/index.json", "index.json")
            run.process([self.document(run, item) for item in read_listing(listing)])

        def document_for(self, filing, settings) -> Document:
            ...  # the same Document, rebuilt from the stored filing (for reparse)

and one line in ``ptt.sources.SOURCES`` (or ``register_source``). A source whose one
file holds many documents (an API page of interests, a CSV of statements) fetches that
file with :meth:`CollectRun.fetch_index` and stores each parsed document with
:meth:`CollectRun.store_parsed`, passing the file's :meth:`CollectRun.archived` copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ptt.collect import CollectOptions, PlannedFetch, SourceMetrics
from ptt.config import Settings
from ptt.errors import BlockedError, FetchError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.output import Progress

if TYPE_CHECKING:
    import httpx

    from ptt.archive import Archive, ArchivedDocument
    from ptt.http import HttpClient
    from ptt.store import StoreResult

logger = logging.getLogger(__name__)

Reader = Callable[[bytes], ParsedDocument]
# Documents in a row with no answer at all (at least) before a run stops fetching.
UNANSWERED_IN_A_ROW = 8
# Returns why a fetched body is not the document (it is then not archived, and the
# document is tried again next run), or None; raises BlockedError to end the run.
Check = Callable[["httpx.Response"], str | None]


@dataclass
class Document:
    """A document a source lists: where it is, how to read it, what the listing says."""

    source: str
    doc_id: str
    url: str
    # The document's name inside the source's archive folder: "2025/20026537.pdf".
    archive_name: str
    reader: Reader
    politician: StatedPolitician | None = None
    index_entry: dict[str, Any] | None = None
    filing_type: str | None = None
    filing_date: dt.date | None = None
    is_amendment: bool = False
    check: Check | None = None

    @property
    def label(self) -> str:
        """Return what the progress bar shows while the document is handled."""
        if self.politician is not None:
            return f"{self.politician.full_name} ({self.doc_id})"
        return self.doc_id

    def read_bytes(self, data: bytes) -> ParsedDocument:
        """Return the document read, completed with what the listing states."""
        try:
            parsed = self.reader(data)
        except Exception as exc:
            # Readers do not raise for bad documents; one that does still must not
            # stop the run, and the document is recorded as failed.
            logger.exception("The reader of %s %s raised.", self.source, self.doc_id)
            parsed = self.failed(f"the reader failed: {type(exc).__name__}: {exc}")
        parsed.doc_id = self.doc_id
        if parsed.filing_date is None:
            parsed.filing_date = self.filing_date
        if parsed.filing_type is None and parsed.parse_status != (
            "not_a_transaction_report"
        ):
            parsed.filing_type = self.filing_type
        parsed.is_amendment = parsed.is_amendment or self.is_amendment
        parsed.url = parsed.url or self.url
        return parsed

    def failed(self, reason: str) -> ParsedDocument:
        """Return the document recorded as failed, with what the listing states."""
        return ParsedDocument(
            source=self.source,
            doc_id=self.doc_id,
            parse_status="failed",
            parse_error=reason,
            filing_type=self.filing_type,
            filing_date=self.filing_date,
            is_amendment=self.is_amendment,
            url=self.url,
        )


class Source(Protocol):
    """What the workflow needs of a source."""

    id: str
    name: str
    url: str
    gives: str

    def collect(self, run: CollectRun) -> None:
        """List the source's documents and hand them to ``run.process``."""

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the document of a stored filing, to read it again."""


class BaseSource:
    """The common parts of a source; a subclass sets the names and lists documents."""

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    # The official site, recorded in data_sources (a mirror's URL never is).
    url: ClassVar[str] = ""
    gives: ClassVar[str] = "trades"
    # The key of Settings.base_urls for this source's site.
    base_url_key: ClassVar[str] = ""

    def collect(self, run: CollectRun) -> None:
        """List the source's documents and hand them to ``run.process``."""
        raise NotImplementedError

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        """Return the document of a stored filing, to read it again."""
        raise NotImplementedError


@dataclass
class CollectRun:
    """One source's run: settings, options, the client, the archive, the counts."""

    source: Source
    settings: Settings
    options: CollectOptions
    conn: sqlite3.Connection
    http: HttpClient
    archive: Archive
    metrics: SourceMetrics
    progress: Progress
    # time.monotonic() when the source's run started.
    started: float = field(default_factory=time.monotonic)
    _seen: set[str] = field(default_factory=set)

    @property
    def source_id(self) -> str:
        """Return the id of the source being collected."""
        return self.source.id

    @property
    def dry_run(self) -> bool:
        """Return whether this run only plans."""
        return self.options.dry_run

    def base_url(self, key: str | None = None) -> str:
        """Return the source's base URL (or another site's), without a trailing slash."""
        name = key or str(getattr(self.source, "base_url_key", "") or self.source_id)
        return self.settings.base_url(name)

    # --- indexes --------------------------------------------------------------------

    def fetch_index(self, url: str, name: str) -> bytes:
        """Return an index document, asked for conditionally and kept in the archive."""
        previous = self.archive.has(self.source_id, name)
        validators = self.archive.validators(self.source_id, name) if previous else None
        self.metrics.index_requests += 1
        response = self.http.get(
            url,
            etag=validators.etag if validators else None,
            last_modified=validators.last_modified if validators else None,
        )
        if response.status_code == 304 and previous is not None:
            logger.info("%s is unchanged since it was last fetched.", url)
            return self.archive.read(self.source_id, name)

        data = response.content
        if not data:
            raise FetchError(f"{url} answered an empty body", url=url)
        if not self.dry_run:
            self.archive.save(self.source_id, name, data)
            self.archive.save_validators(
                self.source_id,
                name,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
        return data

    # --- documents ------------------------------------------------------------------

    def known_filings(self) -> dict[str, sqlite3.Row]:
        """Return the source's stored filings by document id."""
        return {
            str(row["doc_id"]): row
            for row in self.conn.execute(
                "SELECT id, doc_id, archive_path, parse_status, url, index_entry "
                "FROM filings WHERE source_id = ?",
                (self.source_id,),
            )
        }

    def unfetched_filings(self) -> list[sqlite3.Row]:
        """Return stored filings whose document could not be fetched yet."""
        return self.conn.execute(
            "SELECT * FROM filings WHERE source_id = ? AND archive_path IS NULL "
            "AND url IS NOT NULL ORDER BY id",
            (self.source_id,),
        ).fetchall()

    def process(self, documents: Sequence[Document]) -> None:
        """Fetch, archive, read and store the documents not had yet, counting each."""
        listed: list[Document] = []
        for document in documents:
            if document.doc_id not in self._seen:
                self._seen.add(document.doc_id)
                listed.append(document)
        self.metrics.filings_seen += len(listed)

        known = self.known_filings()
        from_archive: list[tuple[Document, ArchivedDocument]] = []
        to_fetch: list[Document] = []
        for document in listed:
            row = known.get(document.doc_id)
            archived = self.archive.has(self.source_id, document.archive_name)
            if row is not None and row["archive_path"]:
                if archived is not None:
                    continue
                logger.warning(
                    "The archived copy of %s %s (%s) is missing; fetching it again.",
                    self.source_id,
                    document.doc_id,
                    row["archive_path"],
                )
            if archived is not None:
                # Archived by a run that stopped before storing it.
                from_archive.append((document, archived))
            else:
                to_fetch.append(document)

        if self.options.limit is not None:
            room = max(0, self.options.limit - len(from_archive))
            from_archive = from_archive[: self.options.limit]
            to_fetch = to_fetch[:room]
        if self.dry_run:
            self._plan(from_archive, to_fetch)
            return

        if self.metrics.listing_seconds is None:
            self.metrics.listing_seconds = time.monotonic() - self.started
        self.progress.set_total(len(from_archive) + len(to_fetch))
        for document, archived in from_archive:
            data = self.archive.read(self.source_id, document.archive_name)
            self._store(document, document.read_bytes(data), archived)
        unfetched = self._fetch_all(to_fetch)
        if unfetched:
            logger.warning(
                "%s: %d document(s) could not be fetched and are recorded as failed "
                "(%s%s); they are tried again next run.",
                self.source_id,
                len(unfetched),
                ", ".join(unfetched[:5]),
                ", ..." if len(unfetched) > 5 else "",
            )

    def _fetch_all(self, documents: list[Document]) -> list[str]:
        """Fetch, archive, read and store documents; return the ids that did not come.

        Downloads run on the client's threads, fed by a thread of their own so that
        reading never holds them up; archive writes (each fsynced) run on as many more;
        this thread reads and stores each document once its copy is safely on disk.
        """
        unfetched: list[str] = []
        saving: dict[Future[ArchivedDocument], tuple[Document, bytes]] = {}
        workers = max(1, getattr(self.http, "concurrency", 1))
        # This many documents in a row without any answer means the site went away:
        # the rest are left for the next run rather than each waiting out its retries.
        give_up = max(UNANSWERED_IN_A_ROW, 2 * workers)
        unanswered = 0
        with (
            _Downloads(self.http, documents, workers) as downloads,
            ThreadPoolExecutor(workers, thread_name_prefix="ptt-archive") as savers,
        ):
            for document, outcome in downloads.results(
                lambda: self._store_archived(saving, block=False)
            ):
                unanswered = (
                    unanswered + 1
                    if isinstance(outcome, FetchError) and outcome.status is None
                    else 0
                )
                data = self._accepted(document, outcome)
                if data is None:
                    unfetched.append(document.doc_id)
                    if unanswered >= give_up:
                        assert isinstance(outcome, FetchError)
                        raise FetchError(
                            f"{unanswered} documents in a row got no answer, the last "
                            f"{outcome.message}; the rest are left for the next run",
                            url=outcome.url,
                        )
                    continue
                future = savers.submit(
                    self.archive.save, self.source_id, document.archive_name, data
                )
                saving[future] = (document, data)
                self._store_archived(saving, block=False)
            self._store_archived(saving, block=True)
        return unfetched

    def _store_archived(
        self,
        saving: dict[Future[ArchivedDocument], tuple[Document, bytes]],
        *,
        block: bool,
    ) -> None:
        """Read and store the documents whose archive copy is written."""
        while saving:
            done, _ = wait(
                saving, timeout=None if block else 0, return_when=FIRST_COMPLETED
            )
            if not done:
                return
            for future in done:
                document, data = saving.pop(future)
                archived = future.result()
                self.metrics.documents_fetched += 1
                self._store(document, document.read_bytes(data), archived)

    def _plan(
        self,
        from_archive: list[tuple[Document, ArchivedDocument]],
        to_fetch: list[Document],
    ) -> None:
        for document in [d for d, _ in from_archive] + to_fetch:
            self.metrics.planned.append(
                PlannedFetch(
                    source=self.source_id,
                    doc_id=document.doc_id,
                    url=document.url,
                    politician=document.politician.full_name
                    if document.politician
                    else None,
                )
            )
        logger.info(
            "%s: a run would fetch %d document(s) and read %d already archived.",
            self.source_id,
            len(to_fetch),
            len(from_archive),
        )

    def _accepted(
        self, document: Document, outcome: httpx.Response | FetchError
    ) -> bytes | None:
        """Return the fetched document's bytes, or record why it did not come."""
        if isinstance(outcome, BlockedError):
            raise BlockedError(
                f"fetching {document.url} was refused: {outcome.message}",
                url=document.url,
            )
        if isinstance(outcome, FetchError):
            self._fetch_failed(document, f"could not fetch it: {outcome.message}")
            return None

        reason = document.check(outcome) if document.check else None
        if reason is None and not outcome.content:
            reason = "the source answered an empty body"
        if reason is not None:
            self._fetch_failed(document, f"{document.url}: {reason}")
            return None
        return outcome.content

    def _fetch_failed(self, document: Document, reason: str) -> None:
        logger.info("%s %s failed: %s", self.source_id, document.doc_id, reason)
        self._store(document, document.failed(reason), None)

    def _store(
        self,
        document: Document,
        parsed: ParsedDocument,
        archived: ArchivedDocument | None,
    ) -> None:
        self.store_parsed(
            parsed,
            url=document.url,
            archived=archived,
            index_entry=document.index_entry,
            politician=document.politician,
            label=document.label,
            listed=False,
        )

    def store_parsed(
        self,
        parsed: ParsedDocument,
        *,
        url: str | None,
        archived: ArchivedDocument | None,
        index_entry: dict[str, Any] | None = None,
        politician: StatedPolitician | None = None,
        label: str | None = None,
        listed: bool = True,
    ) -> StoreResult:
        """Store one parsed document and count it.

        For sources whose one fetched file holds many documents (a register's API
        page, a CSV of statements): ``archived`` is that file's archive copy (see
        :meth:`archived`), and each document is stored and counted as a filing seen.
        """
        from ptt.store import store_document

        if self.dry_run:
            raise RuntimeError("a dry run stores nothing")
        result = store_document(
            self.conn,
            parsed,
            source_id=self.source_id,
            url=url,
            archived=archived,
            index_entry=index_entry,
            politician=politician,
        )
        metrics = self.metrics
        if listed:
            metrics.filings_seen += 1
        metrics.records_found += len(parsed.transactions)
        metrics.records_processed += result.new + result.updated + result.unchanged
        metrics.records_new += result.new
        metrics.records_updated += result.updated
        metrics.records_withdrawn += result.withdrawn
        if result.status == "failed":
            metrics.records_failed += 1
        elif result.status == "needs_ocr":
            metrics.documents_needing_ocr += 1
        self.progress.advance(1, label or parsed.doc_id)
        return result

    def archived(self, name: str) -> ArchivedDocument | None:
        """Return the archive copy of one of this source's files, if it is there."""
        return self.archive.has(self.source_id, name)


_DONE = object()
Outcome = tuple[Document, "httpx.Response | FetchError"]


class _Downloads:
    """``fetch_many`` driven by a thread of its own, its results handed over a queue.

    ``fetch_many`` starts the next download only when its caller takes a result, so a
    caller that reads and stores in between would leave download threads idle. The
    queue is bounded: a reader that falls behind holds the downloads back instead of
    piling up bodies in memory.
    """

    def __init__(
        self, http: HttpClient, documents: list[Document], workers: int
    ) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2 * workers)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._pump,
            args=(http, documents),
            name="ptt-fetch-results",
            daemon=True,
        )

    def __enter__(self) -> _Downloads:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Stop taking new downloads, and empty the queue so the pump can finish.
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()

    def _pump(self, http: HttpClient, documents: list[Document]) -> None:
        fetched = http.fetch_many(documents, lambda d: d.url)
        try:
            for item in fetched:
                self._queue.put(item)
                if self._stop.is_set():
                    break
        except BaseException as exc:
            self._queue.put(exc)
        finally:
            # Closing the generator cancels the downloads not started yet.
            close = getattr(fetched, "close", None)
            if callable(close):
                close()
            self._queue.put(_DONE)

    def results(self, idle: Callable[[], None]) -> Iterator[Outcome]:
        """Yield each (document, response or error); call ``idle`` while waiting."""
        while True:
            try:
                item = self._queue.get(timeout=0.02)
            except queue.Empty:
                idle()
                continue
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


def listed_politicians(
    run: CollectRun, politicians: Sequence[StatedPolitician]
) -> dict[str, int]:
    """Create or complete the politicians a listing names; return ids by identity."""
    from ptt.names import identity_key
    from ptt.store import upsert_politician

    if run.dry_run:
        return {}

    ids: dict[str, int] = {}
    for stated in politicians:
        key = identity_key(stated)
        if key not in ids:
            ids[key] = upsert_politician(run.conn, stated, source_id=run.source_id)
    return ids
