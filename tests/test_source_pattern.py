"""A source whose one file holds many documents follows the same pattern in a few lines.

The example reads the California Form 700 CSV (the real fixture, served through an
``httpx.MockTransport``) the way a register source would: one index file, fetched
conditionally and archived, then ``CollectRun.store_parsed`` per statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ptt import db, sources
from ptt.collect import CollectOptions, reparse_documents, run_collection
from ptt.config import Settings, load_settings
from ptt.http import HttpClient, RetryPolicy
from ptt.sources.base import BaseSource, CollectRun, Document

CSV_NAME = "form700_schedule_a1_first300.csv"


class ExampleCaliforniaSource(BaseSource):
    """Form 700 Schedule A-1 holdings from one CSV file."""

    id = "example-california"
    name = "California Form 700 (example)"
    url = "https://example.org/schedule-a1.csv"
    gives = "holdings"
    base_url_key = "california"

    def collect(self, run: CollectRun) -> None:
        from ptt.parsing.california import parse_form700_csv

        data = run.fetch_index(run.base_url(), "schedule-a1.csv")
        archived = run.archived("schedule-a1.csv")
        for parsed in parse_form700_csv(data):
            run.store_parsed(
                parsed, url=parsed.url, archived=archived, politician=parsed.politician
            )

    def document_for(self, filing: sqlite3.Row, settings: Settings) -> Document:
        raise NotImplementedError


@pytest.fixture
def registered() -> Iterator[str]:
    sources.register_source(
        ExampleCaliforniaSource.id, f"{__name__}:ExampleCaliforniaSource"
    )
    yield ExampleCaliforniaSource.id
    del sources.SOURCES[ExampleCaliforniaSource.id]


def test_a_many_documents_file_is_stored_once_per_statement_and_again_changes_nothing(
    tmp_path: Path, fixtures: Path, registered: str
) -> None:
    body = (fixtures / "california" / CSV_NAME).read_bytes()
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=body, headers={"ETag": '"v1"'})

    settings = load_settings(
        env={"PTT_HOME": str(tmp_path), "PTT_CALIFORNIA_URL": "https://ca.example/a1"}
    )
    conn = db.connect(settings.db_path)
    client = HttpClient(
        settings, transport=httpx.MockTransport(answer), retry=RetryPolicy(attempts=1)
    )

    first = run_collection(conn, settings, [registered], CollectOptions(), http=client)
    second = run_collection(conn, settings, [registered], CollectOptions(), http=client)

    metrics, again = first.sources[0], second.sources[0]
    assert metrics.status == "success", metrics.error
    filings = conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0]
    assert filings > 1 and metrics.filings_seen == filings
    assert (
        metrics.records_new
        == conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0]
    )
    assert {
        r[0] for r in conn.execute("SELECT transaction_type FROM trading_disclosures")
    } == {"holding"}
    assert (again.records_new, again.records_updated) == (0, 0)
    assert asked[-1].headers["If-None-Match"] == '"v1"'
    source = conn.execute("SELECT gives FROM data_sources WHERE id = ?", (registered,))
    assert source.fetchone()[0] == "holdings"
    archive_path = conn.execute("SELECT DISTINCT archive_path FROM filings").fetchall()
    assert [r[0] for r in archive_path] == ["example-california/schedule-a1.csv"]
    outcomes = reparse_documents(conn, settings, source=registered, limit=2)
    assert [o.error for o in outcomes] == [
        "example-california reads its documents from one file; collect it again to "
        "read them anew"
    ] * 2
