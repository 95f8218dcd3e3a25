"""The collection workflow: run each source in turn, count, and record what happened.

For every source, :func:`run_collection` records one action (``data_collection_start``
while it runs, renamed ``data_collection_complete`` when it ends, with the status
``completed`` or ``failed`` and the metrics in its details) and the pull in the source's
``data_sources`` row (last pull, last success, last error, consecutive failures, last
counts). One failing source never stops the next. A dry run lists what would be fetched
and writes nothing to the database or the archive.

:func:`reparse_documents` reads archived documents again with today's readers and stores
the new result, without downloading anything.

A pull records its process id, host and action while it runs. A process killed outright
(SIGKILL, a power cut) cannot record its end, so the next pull of that source, finding
the earlier one still "running" with its process gone from this host, records it as
failed ("interrupted ...") with its action, and counts it among the consecutive
failures; :func:`pull_status` lets readers see the same from what is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ptt import clock
from ptt.actions import ActionSource, start_action
from ptt.config import Settings
from ptt.db import transaction
from ptt.errors import PttError
from ptt.logs import REPORTED_AT_EXIT
from ptt.output import Progress
from ptt.processes import hostname, pid_alive

if TYPE_CHECKING:
    from ptt.archive import Archive
    from ptt.http import HttpClient

logger = logging.getLogger(__name__)

ACTION_START = "data_collection_start"
ACTION_COMPLETE = "data_collection_complete"
INTERRUPTED = "interrupted (the process ended before the run finished)"
# The counts summed into job metrics and shown in the summary, in this order.
COUNTS = (
    "filings_seen",
    "documents_fetched",
    "records_found",
    "records_processed",
    "records_new",
    "records_updated",
    "records_withdrawn",
    "records_failed",
    "documents_needing_ocr",
)


class CollectionError(PttError):
    """One or more sources failed their run."""


@dataclass
class CollectOptions:
    """What to collect: the year(s), a start date, a cap, or only a plan."""

    year: int | None = None
    since: dt.date | None = None
    limit: int | None = None
    dry_run: bool = False
    # Several years at once (``--year 2024 --year 2025``); ``year`` alone means one.
    years: tuple[int, ...] = ()

    @property
    def years_given(self) -> bool:
        """Return whether the run was given years (``--year``)."""
        return bool(self.years) or self.year is not None

    def chosen_years(self) -> list[int]:
        """Return the years asked for, or the current year."""
        if self.years:
            return sorted(set(self.years))
        if self.year is not None:
            return [self.year]
        return [clock.now().year]

    def as_dict(self) -> dict[str, Any]:
        """Return the options as JSON-able values."""
        return {
            "years": list(self.years) or ([self.year] if self.year else []),
            "since": self.since.isoformat() if self.since else None,
            "limit": self.limit,
            "dry_run": self.dry_run,
        }


@dataclass
class PlannedFetch:
    """A document a dry run would fetch."""

    source: str
    doc_id: str
    url: str
    politician: str | None = None


@dataclass
class SourceMetrics:
    """One source's pull."""

    source: str
    status: str = "success"
    # What failed, without the source's name (CollectionResult.errors adds it).
    error: str | None = None
    filings_seen: int = 0
    documents_fetched: int = 0
    records_found: int = 0
    records_processed: int = 0
    records_new: int = 0
    records_updated: int = 0
    # Rows stored before that a new reading of their document no longer states.
    records_withdrawn: int = 0
    records_failed: int = 0
    documents_needing_ocr: int = 0
    duration_seconds: float = 0.0
    # Requests for indexes and search pages, which every run makes.
    index_requests: int = 0
    # Seconds from the start until documents began to be fetched (listing them).
    listing_seconds: float | None = None
    planned: list[PlannedFetch] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the metrics as JSON-able values (without the dry-run plan)."""
        data = asdict(self)
        data.pop("planned")
        data["duration_seconds"] = round(self.duration_seconds, 3)
        if self.listing_seconds is not None:
            data["listing_seconds"] = round(self.listing_seconds, 3)
        return data


@dataclass
class CollectionResult:
    """Every source's pull of one collection."""

    sources: list[SourceMetrics]

    @property
    def failed(self) -> bool:
        """Return whether any source failed."""
        return any(m.status == "failed" for m in self.sources)

    def totals(self) -> dict[str, Any]:
        """Return the counts summed over the sources, for job metrics."""
        totals: dict[str, Any] = {
            name: sum(getattr(m, name) for m in self.sources) for name in COUNTS
        }
        totals["sources"] = [m.source for m in self.sources]
        totals["failed_sources"] = [
            m.source for m in self.sources if m.status != "success"
        ]
        totals["duration_seconds"] = round(
            sum(m.duration_seconds for m in self.sources), 3
        )
        return totals

    def errors(self) -> list[str]:
        """Return the error of each failed source, naming the source."""
        return [
            f"{m.source}: {m.error or 'failed'}"
            for m in self.sources
            if m.status != "success"
        ]


class _CumulativeProgress:
    """One progress bar over several sources: each adds its total to the earlier ones."""

    def __init__(self, inner: Progress) -> None:
        self.inner = inner
        self.offset = 0
        self.current = 0

    def next_source(self) -> None:
        self.offset += self.current
        self.current = 0

    def set_total(self, total: int) -> None:
        self.current = total
        self.inner.set_total(self.offset + total)

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        self.inner.advance(steps, label)


class _NoProgress:
    def set_total(self, total: int) -> None:
        pass

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        pass


def run_collection(
    conn: sqlite3.Connection,
    settings: Settings,
    source_ids: Sequence[str],
    options: CollectOptions,
    *,
    action_source: ActionSource = "cli",
    job_id: int | None = None,
    execution_id: int | None = None,
    progress: Progress | None = None,
    http: HttpClient | None = None,
) -> CollectionResult:
    """Run each source in turn and return every source's metrics."""
    from ptt.archive import Archive
    from ptt.http import HttpClient
    from ptt.sources import load_added_sources

    # Sources added with a mapping file are known from the database.
    load_added_sources(conn)
    bar = _CumulativeProgress(progress or _NoProgress())
    archive = Archive(settings.documents_dir)
    client = http or HttpClient(settings)
    results: list[SourceMetrics] = []
    try:
        for source_id in source_ids:
            bar.next_source()
            results.append(
                _run_source(
                    conn,
                    settings,
                    source_id,
                    options,
                    client=client,
                    archive=archive,
                    progress=bar,
                    action_source=action_source,
                    job_id=job_id,
                    execution_id=execution_id,
                )
            )
    finally:
        if http is None:
            client.close()
    return CollectionResult(results)


def _run_source(
    conn: sqlite3.Connection,
    settings: Settings,
    source_id: str,
    options: CollectOptions,
    *,
    client: HttpClient,
    archive: Archive,
    progress: Progress,
    action_source: ActionSource,
    job_id: int | None,
    execution_id: int | None,
) -> SourceMetrics:
    from ptt.sources import get_source
    from ptt.sources.base import CollectRun
    from ptt.store import ensure_data_source

    source = get_source(source_id)
    metrics = SourceMetrics(source=source_id)
    started_at = clock.now_text()
    started = time.monotonic()
    action = None
    if not options.dry_run:
        ensure_data_source(
            conn, source_id, name=source.name, url=source.url, gives=source.gives
        )
        reap_interrupted_pull(conn, source_id)
        action = start_action(
            conn,
            ACTION_START,
            source=action_source,
            job_id=job_id,
            execution_id=execution_id,
            target=source_id,
            details={"options": options.as_dict()},
        )
        _record_pull_start(conn, source_id, started_at, action.id)
    logger.info("Collecting %s.", source_id)

    run = CollectRun(
        started=started,
        source=source,
        settings=settings,
        options=options,
        conn=conn,
        http=client,
        archive=archive,
        metrics=metrics,
        progress=progress,
    )
    try:
        source.collect(run)
    except PttError as exc:
        _fail(metrics, source_id, exc.message)
    except KeyboardInterrupt:
        _fail(metrics, source_id, "interrupted before the run ended")
        _finish(conn, action, metrics, started, started_at, options)
        raise
    except Exception as exc:
        logger.exception("%s failed unexpectedly.", source_id)
        _fail(metrics, source_id, f"unexpected {type(exc).__name__}: {exc}")

    _finish(conn, action, metrics, started, started_at, options)
    return metrics


def _fail(metrics: SourceMetrics, source_id: str, message: str) -> None:
    metrics.status = "failed"
    prefix = f"{source_id}: "
    metrics.error = message[len(prefix) :] if message.startswith(prefix) else message
    logger.error("%s: %s", source_id, metrics.error, extra=REPORTED_AT_EXIT)


def _finish(
    conn: sqlite3.Connection,
    action: Any,
    metrics: SourceMetrics,
    started: float,
    started_at: str,
    options: CollectOptions,
) -> None:
    metrics.duration_seconds = time.monotonic() - started
    logger.info(
        "%s %s in %.1f s: %d filing(s) seen, %d document(s) fetched, %d new, %d "
        "updated and %d withdrawn record(s), %d failed document(s), %d needing OCR.",
        metrics.source,
        "succeeded" if metrics.status == "success" else "failed",
        metrics.duration_seconds,
        metrics.filings_seen,
        metrics.documents_fetched,
        metrics.records_new,
        metrics.records_updated,
        metrics.records_withdrawn,
        metrics.records_failed,
        metrics.documents_needing_ocr,
    )
    if options.dry_run or action is None:
        return

    record_pull_end(
        conn,
        metrics.source,
        started_at=started_at,
        error=None if metrics.status == "success" else metrics.error or "failed",
        counts={name: getattr(metrics, name) for name in PULL_COUNTS},
    )
    details = {"options": options.as_dict(), "metrics": metrics.as_dict()}
    summary = (
        f"{metrics.filings_seen} filing(s) seen, {metrics.documents_fetched} "
        f"fetched, {metrics.records_new} new, {metrics.records_updated} updated and "
        f"{metrics.records_withdrawn} withdrawn record(s), {metrics.records_failed} "
        "failed document(s)"
    )
    with transaction(conn):
        conn.execute(
            "UPDATE action_logs SET action_type = ? WHERE id = ?",
            (ACTION_COMPLETE, action.id),
        )
        if metrics.status == "success":
            action.complete(summary, details)
        else:
            action.fail(metrics.error or "failed", details)


def _owner_died(row: sqlite3.Row) -> bool:
    """Return whether a pull stored as running belongs to a process that is gone."""
    return bool(
        row["last_status"] == "running"
        and row["running_pid"] is not None
        and row["running_host"] == hostname()
        and not pid_alive(int(row["running_pid"]))
    )


def pull_status(row: sqlite3.Row) -> str | None:
    """Return a data_sources row's last status, "interrupted" when its process died.

    ``row`` needs ``last_status``, ``running_pid`` and ``running_host``.
    """
    status: str | None = row["last_status"]
    return "interrupted" if _owner_died(row) else status


def reap_interrupted_pull(conn: sqlite3.Connection, source_id: str) -> bool:
    """Record a source's pull whose process died as failed; return whether one was."""
    now = clock.now_text()
    with transaction(conn):
        row = conn.execute(
            "SELECT * FROM data_sources WHERE id = ?", (source_id,)
        ).fetchone()
        if row is None or not _owner_died(row):
            return False

        conn.execute(
            "UPDATE data_sources SET last_status = 'failed', last_error = ?, "
            "consecutive_failures = consecutive_failures + 1, running_pid = NULL, "
            "running_host = NULL, running_action_id = NULL, updated_at = ? "
            "WHERE id = ?",
            (INTERRUPTED, now, source_id),
        )
        conn.execute(
            "UPDATE action_logs SET action_type = ?, status = 'failed', "
            "error_message = ?, finished_at = ? WHERE id = ? "
            "AND status IN ('initiated', 'in_progress')",
            (ACTION_COMPLETE, INTERRUPTED, now, row["running_action_id"]),
        )
    logger.warning(
        "The %s pull started at %s by process %s on %s ended without finishing; it "
        "is recorded as failed.",
        source_id,
        row["last_pull_at"],
        row["running_pid"],
        row["running_host"],
    )
    return True


def _record_pull_start(
    conn: sqlite3.Connection, source_id: str, when: str, action_id: int
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE data_sources SET last_pull_at = ?, last_status = 'running', "
            "running_pid = ?, running_host = ?, running_action_id = ?, "
            "updated_at = ? WHERE id = ?",
            (when, os.getpid(), hostname(), action_id, when, source_id),
        )


# The counts a data_sources row keeps of its last pull (as ``last_<count>``).
PULL_COUNTS = (
    "filings_seen",
    "documents_fetched",
    "records_found",
    "records_new",
    "records_updated",
    "records_failed",
)


def record_pull_end(
    conn: sqlite3.Connection,
    source_id: str,
    *,
    started_at: str,
    error: str | None,
    counts: dict[str, int],
) -> None:
    """Record in a source's data_sources row how its pull ended, and its counts."""
    unknown = set(counts) - set(PULL_COUNTS)
    if unknown:
        raise ValueError(f"data_sources keeps no count {', '.join(sorted(unknown))}")

    now = clock.now_text()
    if error is None:
        # The success is dated from the pull's start: anything published while it
        # ran is looked for again next time.
        outcome = (
            "last_status = 'success', last_success_at = ?, last_error = NULL, "
            "consecutive_failures = 0"
        )
        values: list[Any] = [started_at]
    else:
        outcome = (
            "last_status = 'failed', last_error = ?, "
            "consecutive_failures = consecutive_failures + 1"
        )
        values = [error]
    assignments = "".join(f", last_{name} = ?" for name in counts)
    with transaction(conn):
        conn.execute(
            f"UPDATE data_sources SET {outcome}{assignments}, last_pull_at = ?, "
            "running_pid = NULL, running_host = NULL, running_action_id = NULL, "
            "updated_at = ? WHERE id = ?",
            [*values, *counts.values(), started_at, now, source_id],
        )


def last_success(conn: sqlite3.Connection, source_id: str) -> dt.datetime | None:
    """Return when the last successful pull of a source started, or None."""
    row = conn.execute(
        "SELECT last_success_at FROM data_sources WHERE id = ?", (source_id,)
    ).fetchone()
    if not row or not row[0]:
        return None
    return clock.from_text(str(row[0]))


# --- reparse -----------------------------------------------------------------------


@dataclass
class ReparseOutcome:
    """What reading one archived document again changed."""

    source: str
    doc_id: str
    old_status: str
    new_status: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows the earlier reading gave and this one does not: kept, withdrawn.
    withdrawn: int = 0
    error: str | None = None

    @property
    def changed(self) -> bool:
        """Return whether the document's filing or rows changed."""
        return bool(
            self.old_status != self.new_status
            or self.new
            or self.updated
            or self.withdrawn
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON-able values."""
        data = asdict(self)
        data["changed"] = self.changed
        return data


def reparse_documents(
    conn: sqlite3.Connection,
    settings: Settings,
    *,
    source: str | None = None,
    status: str | None = None,
    doc_id: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> list[ReparseOutcome]:
    """Read archived documents again and store the new result; download nothing."""
    from ptt.archive import Archive
    from ptt.sources import get_source, load_added_sources
    from ptt.store import store_document

    # Sources added with a mapping file are known from the database.
    load_added_sources(conn)

    where = ["archive_path IS NOT NULL"]
    params: list[Any] = []
    for column, value in (("source_id", source), ("parse_status", status)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if doc_id:
        where.append("doc_id = ?")
        params.append(doc_id)
    sql = f"SELECT * FROM filings WHERE {' AND '.join(where)} ORDER BY id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    filings = conn.execute(sql, params).fetchall()

    bar = progress or _NoProgress()
    bar.set_total(len(filings))
    archive = Archive(settings.documents_dir)
    sources: dict[str, Any] = {}
    outcomes: list[ReparseOutcome] = []
    for filing in filings:
        source_id = str(filing["source_id"])
        if source_id not in sources:
            sources[source_id] = get_source(source_id)
        outcome = ReparseOutcome(
            source=source_id,
            doc_id=str(filing["doc_id"]),
            old_status=str(filing["parse_status"]),
            new_status=str(filing["parse_status"]),
        )
        outcomes.append(outcome)
        try:
            document = sources[source_id].document_for(filing, settings)
        except NotImplementedError:
            outcome.error = (
                f"{source_id} reads its documents from one file; collect it again "
                "to read them anew"
            )
            bar.advance(1, outcome.doc_id)
            continue
        name = str(filing["archive_path"]).split("/", 1)[1]
        try:
            data = archive.read(source_id, name)
        except PttError as exc:
            outcome.error = exc.message
            bar.advance(1, outcome.doc_id)
            continue

        # The archive's own record of the copy (its sha256, size and fetch time), not
        # the filing's columns: what is stored must describe the bytes just read.
        archived = archive.has(source_id, name)
        if archived is None:
            outcome.error = f"the archived copy {filing['archive_path']} went missing"
            bar.advance(1, outcome.doc_id)
            continue
        if archived.sha256 != filing["sha256"]:
            logger.warning(
                "The archived copy of %s %s is not the one first stored (sha256 %s, "
                "not %s); its record follows the copy read now.",
                source_id, outcome.doc_id, archived.sha256[:16],
                str(filing["sha256"])[:16],
            )  # fmt: skip
        parsed = document.read_bytes(data)
        index_entry = (
            json.loads(filing["index_entry"]) if filing["index_entry"] else None
        )
        result = store_document(
            conn,
            parsed,
            source_id=source_id,
            url=filing["url"],
            archived=archived,
            index_entry=index_entry,
            politician=document.politician,
        )
        outcome.new_status = result.status
        outcome.new, outcome.updated = result.new, result.updated
        outcome.unchanged, outcome.withdrawn = result.unchanged, result.withdrawn
        outcome.error = parsed.parse_error if result.status != "parsed" else None
        bar.advance(1, outcome.doc_id)
    return outcomes
