"""Documents read in worker processes, beside the thread that stores them.

PDFium (behind pypdfium2) must never be called from two threads at once, so PDFs are
read in parallel in processes. A :class:`ReaderPool` starts its workers at once (with
the fork start method where the platform has it, so a worker costs milliseconds, and
before the run starts its download threads), sends each a reader and a document's bytes
over a pipe, and hands every result to a callback: the ParsedDocument, or why the
worker could not give one, with the log records the reader wrote. Readers are pure
functions of bytes, so a worker keeps nothing between documents.

A worker that dies while reading (a crash inside PDFium, the kernel's out-of-memory
killer) fails that one document with the reason and is replaced; the run never waits
for it. Workers ignore Ctrl-C, which is the storing process's to handle, and end when
the pool is closed or their parent goes away.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ptt.model import ParsedDocument

logger = logging.getLogger(__name__)

Reader = Callable[[bytes], ParsedDocument]
# Seconds a closing pool waits for a worker to end before it is killed.
_CLOSE_WAIT = 2.0


@dataclass
class ReadResult:
    """What reading one document in a worker gave."""

    key: Any
    parsed: ParsedDocument | None = None
    # Why there is no ParsedDocument: the reader raised, or its process died.
    error: str | None = None
    records: list[logging.LogRecord] = field(default_factory=list)

    def emit_records(self) -> None:
        """Log the worker's records in this process, as if it had read here."""
        for record in self.records:
            logging.getLogger(record.name).handle(record)


def default_workers(concurrency: int) -> int:
    """Return how many reading processes a run of ``concurrency`` threads uses."""
    return max(1, min(concurrency, os.cpu_count() or 1))


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


@dataclass
class _Worker:
    process: Any
    conn: Connection


class ReaderPool:
    """Worker processes reading documents; each result goes to ``deliver``.

    ``deliver`` is called on one of the pool's threads, in order of completion.
    """

    def __init__(self, workers: int, deliver: Callable[[ReadResult], None]) -> None:
        self.workers = max(1, workers)
        self._deliver = deliver
        self._tasks: queue.Queue[tuple[Any, Reader, bytes] | None] = queue.Queue()
        self._context = _context()
        self._lock = threading.Lock()
        self._live: list[_Worker] = []
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()

    def __enter__(self) -> ReaderPool:
        self.start()
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    def start(self) -> None:
        """Start the workers now, and a thread in this process for each."""
        # Every worker is forked here, before the caller starts other threads.
        started = [self._spawn() for _ in range(self.workers)]
        for number, worker in enumerate(started, start=1):
            thread = threading.Thread(
                target=self._drive,
                args=(worker,),
                name=f"ptt-reader-{number}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()

    def submit(self, key: Any, reader: Reader, data: bytes) -> None:
        """Queue a document's bytes to be read by ``reader`` in a worker."""
        self._tasks.put((key, reader, data))

    def close(self) -> None:
        """Let the workers finish what is queued, then end them."""
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        self._closing.set()
        self._end_workers(kill=False)

    def terminate(self) -> None:
        """End the workers now, dropping what is queued or being read."""
        self._closing.set()
        for _ in self._threads:
            self._tasks.put(None)
        self._end_workers(kill=True)
        for thread in self._threads:
            thread.join(timeout=_CLOSE_WAIT)

    # --- this process's side of a worker ----------------------------------------------

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe(duplex=True)
        with self._lock:
            # A forked worker closes the pipes of the others, so that each sees the
            # end of its own pipe when this process goes away.
            inherited = [w.conn for w in self._live] + [ours]
            if self._context.get_start_method() != "fork":
                inherited = []
            process = self._context.Process(
                target=_work,
                args=(theirs, inherited),
                name="ptt-reader",
                daemon=True,
            )
            process.start()
            theirs.close()
            worker = _Worker(process, ours)
            self._live.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._live:
                self._live.remove(worker)
        worker.conn.close()
        worker.process.join(timeout=_CLOSE_WAIT)

    def _end_workers(self, *, kill: bool) -> None:
        with self._lock:
            workers = list(self._live)
            self._live.clear()
        for worker in workers:
            if kill:
                worker.process.kill()
            else:
                # A closed pipe tells the worker to end.
                worker.conn.close()
        for worker in workers:
            worker.process.join(timeout=_CLOSE_WAIT)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=_CLOSE_WAIT)
            worker.conn.close()

    def _drive(self, worker: _Worker) -> None:
        """Feed one worker task after task; replace it when it dies."""
        while True:
            task = self._tasks.get()
            if task is None or self._closing.is_set():
                return
            key, reader, data = task
            result = self._read(worker, key, reader, data)
            if self._closing.is_set():
                return
            if result is None:
                self._retire(worker)
                code = worker.process.exitcode
                result = ReadResult(
                    key,
                    error="the process reading it ended unexpectedly "
                    f"(exit code {code}); the document may crash the reader",
                )
                logger.error("A reading process died: %s.", result.error)
                worker = self._spawn()
            self._deliver(result)

    def _read(
        self, worker: _Worker, key: Any, reader: Reader, data: bytes
    ) -> ReadResult | None:
        """Return the worker's result, or None when it died reading."""
        try:
            worker.conn.send((reader, data))
        except (OSError, EOFError):
            return None
        except Exception as exc:
            # A reader that cannot be pickled is the calling code's mistake.
            return ReadResult(
                key, error=f"the reader cannot be sent to a worker: {exc}"
            )

        ready = wait([worker.conn, worker.process.sentinel])
        if worker.conn not in ready:
            return None
        try:
            parsed, error, records = worker.conn.recv()
        except (OSError, EOFError):
            return None
        return ReadResult(key, parsed, error, records)


# --- inside a worker -------------------------------------------------------------------


class _Collector(logging.Handler):
    """Keeps a worker's log records, to send them back with the result."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Format now: arguments and tracebacks may not pickle.
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_info = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


def _work(conn: Connection, inherited: list[Connection]) -> None:
    """Read documents sent over ``conn`` until it closes; never return."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in inherited:
        other.close()
    # The worker writes nothing itself: its records go back to the parent, which
    # logs them where the run logs (files, console, a job's captured log).
    collector = _Collector()
    for existing in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(existing, logging.Logger):
            existing.handlers = []
    logging.root.handlers = [collector]

    while True:
        try:
            task = conn.recv()
        except (OSError, EOFError):
            break
        reader, data = task
        parsed: ParsedDocument | None = None
        error: str | None = None
        try:
            parsed = reader(data)
        except Exception as exc:
            logger.exception("A reader raised.")
            error = f"the reader failed: {type(exc).__name__}: {exc}"
        try:
            conn.send((parsed, error, collector.take()))
        except (OSError, EOFError):
            break
        except Exception as exc:
            conn.send((None, f"the result cannot be sent back: {exc}", []))
    # Leave at once: flushing streams inherited from a busy parent could block.
    os._exit(0)
