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
import functools
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    from ptt.sources.pool import ReaderPool, ReadResult
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
    # Whether reading is slow enough (a PDF) to be worth a worker process; the reader
    # must then pickle (a module-level function, or a functools.partial of one).
    read_in_worker: bool = False

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
        return self.completed(parsed)

    def completed(self, parsed: ParsedDocument) -> ParsedDocument:
        """Return the document as read, completed with what the listing states."""
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
    # Documents chosen to be read so far (for --limit), and the progress bar's total.
    _taken: int = 0
    _total: int = 0

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

    def process(
        self,
        documents: Sequence[Document],
        *,
        more: Iterator[Any] | None = None,
        prepare: Callable[[Any], Sequence[Document]] | None = None,
    ) -> None:
        """Fetch, archive, read and store the documents not had yet, counting each.

        ``more`` yields later pages of a listing; it runs on a thread of its own (HTTP
        only, never the database) while the documents listed so far are fetched, and
        ``prepare`` turns each page into documents on this thread.
        """
        from_archive, to_fetch = self._select(documents)
        if self.dry_run:
            for page in more or ():
                archived, fetched = self._select(_prepared(prepare, page))
                from_archive += archived
                to_fetch += fetched
            self._plan(from_archive, to_fetch)
            return

        if self.metrics.listing_seconds is None:
            self.metrics.listing_seconds = time.monotonic() - self.started
        self._total = len(from_archive) + len(to_fetch)
        self.progress.set_total(self._total)
        unfetched = self._fetch_all(to_fetch, from_archive, more, prepare)
        if unfetched:
            logger.warning(
                "%s: %d document(s) could not be fetched and are recorded as failed "
                "(%s%s); they are tried again next run.",
                self.source_id,
                len(unfetched),
                ", ".join(unfetched[:5]),
                ", ..." if len(unfetched) > 5 else "",
            )

    def _select(
        self, documents: Sequence[Document]
    ) -> tuple[list[tuple[Document, ArchivedDocument]], list[Document]]:
        """Return the listed documents archived but not stored, and those to fetch."""
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
            # The limit holds for the whole listing, however many pages it has.
            room = max(0, self.options.limit - self._taken)
            from_archive = from_archive[:room]
            to_fetch = to_fetch[: room - len(from_archive)]
        self._taken += len(from_archive) + len(to_fetch)
        return from_archive, to_fetch

    def _fetch_all(
        self,
        documents: list[Document],
        from_archive: list[tuple[Document, ArchivedDocument]],
        more: Iterator[Any] | None = None,
        prepare: Callable[[Any], Sequence[Document]] | None = None,
    ) -> list[str]:
        """Fetch, archive, read and store documents; return the ids that did not come.

        Downloads run on the client's threads, fed by a thread of their own so that
        reading never holds them up; archive writes (each fsynced) run on as many more;
        PDFs are read in worker processes (see :mod:`ptt.sources.pool`), other
        documents on this thread. This thread stores each document once its copy is
        safely on disk and its reading is done, in the order they get there. Documents
        archived by a run that stopped before storing them are read the same way.
        """
        unfetched: list[str] = []
        workers = max(1, getattr(self.http, "concurrency", 1))
        # This many documents in a row without any answer means the site went away:
        # the rest are left for the next run rather than each waiting out its retries.
        give_up = max(UNANSWERED_IN_A_ROW, 2 * workers)
        unanswered = 0
        events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        # Documents between their download and their store, at most: a store that
        # falls behind holds the downloads back instead of piling up bodies in memory.
        slots = threading.Semaphore(3 * workers)
        backlog = list(reversed(from_archive))
        pending = 0

        def settle(item: _Pending) -> None:
            nonlocal pending
            if item.archived is None or item.parsed is None:
                return
            self._store(item.document, item.parsed, item.archived)
            pending -= 1
            slots.release()

        with contextlib.ExitStack() as stack:
            pool = self._reader_pool(
                [*documents, *(d for d, _ in from_archive)], events
            )
            if pool is not None:
                # Entered first: its workers are forked before any thread of the run.
                stack.enter_context(pool)
            savers = stack.enter_context(
                ThreadPoolExecutor(workers, thread_name_prefix="ptt-archive")
            )
            feed = _Feed(documents)
            stack.enter_context(_Downloads(self.http, feed, events, slots))
            # Closed on the way out too, so that the downloads' thread never waits
            # for documents a listing that failed will not give.
            stack.callback(feed.close)
            if more is None:
                feed.close()
            else:
                stack.enter_context(_Listing(more, events))
            downloading = True
            while downloading or pending or backlog:
                while backlog and slots.acquire(blocking=False):
                    document, archived = backlog.pop()
                    stored = self.archive.read(self.source_id, document.archive_name)
                    item = _Pending(document, archived)
                    pending += 1
                    self._read(item, stored, pool)
                    settle(item)
                if not (downloading or pending):
                    continue

                event = events.get()
                kind = event[0]
                if kind == "done":
                    downloading = False
                    continue
                if kind == "error":
                    raise event[1]
                if kind == "listed":
                    archived_more, to_fetch = self._select(_prepared(prepare, event[1]))
                    self._total += len(archived_more) + len(to_fetch)
                    self.progress.set_total(self._total)
                    backlog[:0] = reversed(archived_more)
                    feed.extend(to_fetch)
                    continue
                if kind == "listed-all":
                    feed.close()
                    continue
                if kind == "read":
                    result: ReadResult = event[1]
                    item = result.key
                    result.emit_records()
                    item.parsed = (
                        item.document.completed(result.parsed)
                        if result.parsed is not None
                        else item.document.failed(result.error or "it was not read")
                    )
                    settle(item)
                    continue
                if kind == "archived":
                    item = event[1]
                    item.archived = event[2].result()
                    self.metrics.documents_fetched += 1
                    settle(item)
                    continue

                document, outcome = event[1], event[2]
                unanswered = (
                    unanswered + 1
                    if isinstance(outcome, FetchError) and outcome.status is None
                    else 0
                )
                data = self._accepted(document, outcome)
                if data is None:
                    slots.release()
                    unfetched.append(document.doc_id)
                    if unanswered >= give_up:
                        raise _site_gone(unanswered, outcome)
                    continue
                item = _Pending(document)
                pending += 1
                saved = savers.submit(
                    self.archive.save, self.source_id, document.archive_name, data
                )
                saved.add_done_callback(
                    functools.partial(_put, events, "archived", item)
                )
                self._read(item, data, pool)
        return unfetched

    def _reader_pool(
        self, documents: Sequence[Document], events: queue.Queue[tuple[Any, ...]]
    ) -> ReaderPool | None:
        """Return a pool of reading processes, when documents want one and it is on."""
        from ptt.sources.pool import ReaderPool, default_workers

        heavy = sum(1 for d in documents if d.read_in_worker)
        workers = self.settings.read_processes
        if workers is None:
            workers = default_workers(getattr(self.http, "concurrency", 1))
        if not heavy or workers <= 0:
            return None
        return ReaderPool(min(workers, heavy), functools.partial(_put, events, "read"))

    def _read(self, item: _Pending, data: bytes, pool: ReaderPool | None) -> None:
        """Read a document here, or hand it to the pool, whose result is an event."""
        document = item.document
        if pool is not None and document.read_in_worker:
            pool.submit(item, document.reader, data)
            return
        item.parsed = document.read_bytes(data)

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


def _prepared(
    prepare: Callable[[Any], Sequence[Document]] | None, page: Any
) -> Sequence[Document]:
    return prepare(page) if prepare is not None else page


class _Feed:
    """The documents to download, an iterator that waits while more may be listed."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._items: queue.Queue[Document | None] = queue.Queue()
        self.extend(documents)

    def extend(self, documents: Sequence[Document]) -> None:
        for document in documents:
            self._items.put(document)

    def close(self) -> None:
        """Mark the end: the iterator stops once what is queued is taken."""
        self._items.put(None)

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> Document:
        document = self._items.get()
        if document is None:
            self._items.put(None)
            raise StopIteration
        return document


class _Listing:
    """A listing's later pages, fetched on a thread of their own, put on ``events``."""

    def __init__(self, pages: Iterator[Any], events: queue.Queue[tuple[Any, ...]]):
        self._events = events
        self._thread = threading.Thread(
            target=self._pump, args=(pages,), name="ptt-listing", daemon=True
        )

    def __enter__(self) -> _Listing:
        self._thread.start()
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        # A run that stops (an error, Ctrl-C) does not wait for a page under way.
        if exc_type is None:
            self._thread.join()

    def _pump(self, pages: Iterator[Any]) -> None:
        try:
            for page in pages:
                self._events.put(("listed", page))
        except BaseException as exc:
            self._events.put(("error", exc))
        finally:
            self._events.put(("listed-all",))


def _put(events: queue.Queue[tuple[Any, ...]], *event: Any) -> None:
    events.put(event)


def _site_gone(unanswered: int, outcome: httpx.Response | FetchError) -> FetchError:
    assert isinstance(outcome, FetchError)
    return FetchError(
        f"{unanswered} documents in a row got no answer, the last {outcome.message}; "
        "the rest are left for the next run",
        url=outcome.url,
    )


@dataclass
class _Pending:
    """A document on its way to the store: its archive copy and its reading."""

    document: Document
    archived: ArchivedDocument | None = None
    parsed: ParsedDocument | None = None


class _Downloads:
    """``fetch_many`` driven by a thread of its own, its results put on ``events``.

    ``fetch_many`` starts the next download only when its caller takes a result, so a
    caller that reads and stores in between would leave download threads idle. Each
    result takes one of ``slots`` (given back once the document is stored): a store
    that falls behind holds the downloads back instead of piling up bodies in memory.
    """

    def __init__(
        self,
        http: HttpClient,
        documents: Iterable[Document],
        events: queue.Queue[tuple[Any, ...]],
        slots: threading.Semaphore,
    ) -> None:
        self._events = events
        self._slots = slots
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
        # Stop taking new downloads; those under way finish.
        self._stop.set()
        self._thread.join()

    def _pump(self, http: HttpClient, documents: Iterable[Document]) -> None:
        fetched = http.fetch_many(documents, lambda d: d.url)
        try:
            for document, outcome in fetched:
                while not self._slots.acquire(timeout=0.05):
                    if self._stop.is_set():
                        return
                if self._stop.is_set():
                    return
                self._events.put(("fetched", document, outcome))
        except BaseException as exc:
            self._events.put(("error", exc))
        finally:
            # Closing the generator cancels the downloads not started yet.
            close = getattr(fetched, "close", None)
            if callable(close):
                close()
            self._events.put(("done",))


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
