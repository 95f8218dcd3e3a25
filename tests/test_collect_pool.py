"""PDFs read in worker processes: the same results as on one thread, crashes contained.

The House's PTR PDFs are read by a pool of processes while the main thread stores; a
worker that dies reading a document fails that document alone, with the reason, and
the run goes on with a new worker.
"""

from __future__ import annotations

import logging
import os
import queue
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ptt import db
from ptt.collect import CollectOptions, run_collection
from ptt.config import load_settings
from ptt.http import HttpClient, RetryPolicy
from ptt.model import ParsedDocument
from ptt.parsing import house
from ptt.sources.pool import ReaderPool, ReadResult
from tests import congress
from tests.fixture_server import FixtureServer

ALLEN = "20026537"
_REAL_PARSE = house.parse_house_ptr


@pytest.fixture
def server(fixture_server: FixtureServer, fixtures: Path) -> FixtureServer:
    """Return the fixture server listing the scenario's documents."""
    return congress.set_up(fixture_server, fixtures)


def _crash_on_allen(data: bytes, doc_id: str | None = None, **kw: Any) -> Any:
    """Read a PTR, but die (as a crash inside PDFium would) on the Allen PDF."""
    if doc_id == ALLEN:
        os._exit(3)
    return _REAL_PARSE(data, doc_id, **kw)


def _read_text(data: bytes) -> ParsedDocument:
    logging.getLogger("ptt.parsing.test").warning("Read %d bytes.", len(data))
    if data == b"crash":
        os._exit(5)
    return ParsedDocument(source="test", doc_id=data.decode(), parse_status="parsed")


def collect_house(home: Path, server: FixtureServer, **env: str) -> sqlite3.Connection:
    """Collect the scenario's House documents into ``home``; return the database."""
    settings = load_settings(
        env={"PTT_HOME": str(home), **congress.environment(server), **env}
    )
    conn = db.connect(settings.db_path)
    with HttpClient(settings, retry=RetryPolicy(attempts=1)) as client:
        result = run_collection(
            conn,
            settings,
            ["us-house"],
            CollectOptions(years=(2023, 2025)),
            http=client,
        )
    assert result.sources[0].status == "success", result.sources[0].error
    return conn


def stored(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Return what the documents gave, without the times they were stored at."""
    return {
        "filings": [
            tuple(r)
            for r in conn.execute(
                "SELECT doc_id, parse_status, parse_error, filing_type, filing_date, "
                "transaction_count, sha256, is_amendment FROM filings ORDER BY doc_id"
            )
        ],
        "rows": [
            tuple(r)
            for r in conn.execute(
                "SELECT f.doc_id, t.row_number, t.transaction_date, t.owner, "
                "t.asset_name, t.asset_ticker, t.transaction_type, t.amount_range_min, "
                "t.amount_range_max, t.raw FROM trading_disclosures t "
                "JOIN filings f ON f.id = t.filing_id ORDER BY f.doc_id, t.row_number"
            )
        ],
        "politicians": [
            tuple(r)
            for r in conn.execute(
                "SELECT identity_key, full_name FROM politicians ORDER BY identity_key"
            )
        ],
    }


def test_pdfs_read_in_workers_are_stored_as_when_read_on_the_storing_thread(
    tmp_path: Path, server: FixtureServer
) -> None:
    pooled = stored(collect_house(tmp_path / "pool", server))
    alone = stored(collect_house(tmp_path / "alone", server, PTT_READ_PROCESSES="0"))

    assert pooled == alone
    assert len(pooled["filings"]) == 5
    assert len(pooled["rows"]) == 19


def test_a_worker_that_dies_reading_a_pdf_fails_that_document_and_the_run_goes_on(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(house, "parse_house_ptr", _crash_on_allen)

    conn = collect_house(tmp_path, server, PTT_READ_PROCESSES="1")

    filings = {
        row["doc_id"]: row
        for row in conn.execute("SELECT * FROM filings WHERE source_id = 'us-house'")
    }
    allen = filings.pop(ALLEN)
    assert allen["parse_status"] == "failed"
    assert "ended unexpectedly (exit code 3)" in allen["parse_error"]
    # The bytes are archived, so a reparse can read them again later.
    assert (tmp_path / "documents" / allen["archive_path"]).is_file()
    assert len(filings) == 4
    assert {f["parse_status"] for f in filings.values()} == {"parsed", "needs_ocr"}


def test_a_pool_replaces_a_dead_worker_and_sends_back_the_readers_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    results: queue.Queue[ReadResult] = queue.Queue()
    caplog.set_level(logging.WARNING, logger="ptt.parsing.test")

    with ReaderPool(1, results.put) as pool:
        for key, data in enumerate([b"first", b"crash", b"third"]):
            pool.submit(key, _read_text, data)
        got = sorted((results.get(timeout=30) for _ in range(3)), key=lambda r: r.key)
    for result in got:
        result.emit_records()

    assert got[0].parsed is not None and got[0].parsed.doc_id == "first"
    assert got[1].parsed is None and "exit code 5" in (got[1].error or "")
    assert got[2].parsed is not None and got[2].parsed.doc_id == "third"
    assert [r.getMessage() for r in caplog.records if r.name == "ptt.parsing.test"] == [
        "Read 5 bytes.",
        "Read 5 bytes.",
    ]
