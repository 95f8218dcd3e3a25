"""The collection workflow in process: sources, options, and every way a site can fail.

Each test runs ``run_collection`` against the real fixture server with its failure
injection; a failing site must fail its source's run with the step named, and a bad
document must be recorded as failed while the run goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ptt import db
from ptt.collect import (
    CollectionResult,
    CollectOptions,
    SourceMetrics,
    pull_status,
    reap_interrupted_pull,
    reparse_documents,
    run_collection,
)
from ptt.config import Settings, load_settings
from ptt.errors import UsageError
from ptt.http import HttpClient, RetryPolicy
from ptt.processes import hostname
from ptt.sources import expand_sources, get_source, known_sources
from ptt.sources.us_house import index_years
from ptt.store import ensure_data_source
from tests import congress
from tests.fixture_server import FixtureServer
from tests.helpers import run_ptt

ALLEN_PDF = congress.HOUSE_PDF_PATHS["20026537"]
BOOZMAN_PAGE = congress.SENATE_PAGE_PATHS[congress.BOOZMAN_ID]
SEARCH = "/search/report/data/"
EVERYTHING = CollectOptions(years=(2023, 2025))


@pytest.fixture
def server(fixture_server: FixtureServer, fixtures: Path) -> FixtureServer:
    """Return the fixture server listing the scenario's documents."""
    return congress.set_up(fixture_server, fixtures)


@pytest.fixture
def settings(tmp_path: Path, server: FixtureServer) -> Settings:
    """Return settings pointing every US source at the server."""
    return load_settings(
        env={"PTT_HOME": str(tmp_path), **congress.environment(server)}
    )


@pytest.fixture
def conn(settings: Settings) -> Iterator[sqlite3.Connection]:
    connection = db.connect(settings.db_path)
    yield connection
    connection.close()


def collect(
    conn: sqlite3.Connection,
    settings: Settings,
    sources: list[str],
    options: CollectOptions = EVERYTHING,
    **kwargs: Any,
) -> CollectionResult:
    """Run a collection with a client that does not retry (failures are injected)."""
    with HttpClient(settings, retry=RetryPolicy(attempts=1)) as client:
        return run_collection(conn, settings, sources, options, http=client, **kwargs)


def only(result: CollectionResult) -> SourceMetrics:
    assert len(result.sources) == 1
    return result.sources[0]


def named(metrics: SourceMetrics) -> str:
    """Return a source's error as the command line shows it."""
    assert metrics.error is not None
    return f"{metrics.source}: {metrics.error}"


def filing(conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM filings WHERE doc_id = ?", (doc_id,)).fetchone()
    assert row is not None, doc_id
    return row


# --- the registry ------------------------------------------------------------------


def test_us_congress_names_the_house_and_the_senate() -> None:
    assert expand_sources(["us-congress"]) == ["us-house", "us-senate"]
    assert expand_sources(["us-senate", "us-congress"]) == ["us-senate", "us-house"]


def test_all_names_the_active_sources(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO data_sources (id, name, is_active) VALUES ('us-house', 'H', 0)"
    )

    assert expand_sources(["all"], conn) == [
        s for s in known_sources() if s != "us-house"
    ]


def test_an_unknown_source_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(UsageError) as raised:
        expand_sources(["us-congres"])

    assert raised.value.message == (
        "unknown source 'us-congres' (known: us-house, us-senate, uk-parliament, "
        "eu-parliament, california, us-congress, us-states, all)"
    )


def test_every_registered_source_describes_itself() -> None:
    for source_id in known_sources():
        source = get_source(source_id)
        assert source.id == source_id
        assert source.name and source.url.startswith("https://")
        assert source.gives in ("trades", "holdings", "trades and holdings")


# --- the Senate's ways of failing ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "override", "message"),
    [
        (
            "/search/home/",
            {"status": 403},
            "us-senate: the agreement page (GET /search/home/) was refused",
        ),
        (
            "/search/home/",
            {"body": b"<html><body>Welcome</body></html>"},
            "us-senate: the agreement page (GET /search/home/) has no CSRF token",
        ),
        (
            "/search/home/",
            {"body": b""},
            "us-senate: the agreement page (GET /search/home/) answered an empty page",
        ),
        (
            SEARCH,
            {"status": 403},
            "us-senate: the search (POST /search/report/data/, from row 0) was refused",
        ),
        (
            SEARCH,
            {"redirect_to": "/search/home/"},
            "us-senate: the search (POST /search/report/data/, from row 0) answered "
            "with the agreement page instead of JSON; the session was not accepted",
        ),
        (
            SEARCH,
            {"body": b"<html><body>Down for maintenance</body></html>"},
            "us-senate: the search (POST /search/report/data/, from row 0): reading "
            "the eFD search results: the answer is not JSON",
        ),
        (
            SEARCH,
            {"body": b""},
            "us-senate: the search (POST /search/report/data/, from row 0) answered "
            "an empty page",
        ),
        (
            SEARCH,
            {"body": json.dumps({"result": "ok", "recordsTotal": 3}).encode()},
            "us-senate: the search (POST /search/report/data/, from row 0): reading "
            "the eFD search results: the answer has no 'data' list",
        ),
        (
            SEARCH,
            {
                "body": json.dumps(
                    {
                        "draw": 1,
                        "recordsTotal": 35,
                        "recordsFiltered": 35,
                        "result": "ok",
                        "data": [],
                    }
                ).encode()
            },
            "us-senate: the search (POST /search/report/data/, from row 0) counts 35 "
            "reports but its first page lists none",
        ),
    ],
)
def test_a_senate_that_refuses_or_changes_fails_the_run_naming_the_step(
    conn: sqlite3.Connection,
    settings: Settings,
    server: FixtureServer,
    path: str,
    override: dict[str, Any],
    message: str,
) -> None:
    server.override(path, **override)

    metrics = only(collect(conn, settings, ["us-senate"]))

    assert metrics.status == "failed"
    assert named(metrics).startswith(message), metrics.error
    source = conn.execute(
        "SELECT * FROM data_sources WHERE id = 'us-senate'"
    ).fetchone()
    assert source["last_status"] == "failed"
    assert source["last_error"] == metrics.error
    assert source["last_success_at"] is None


def test_a_report_page_that_turns_into_the_agreement_ends_the_run_as_blocked(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(BOOZMAN_PAGE, redirect_to="/search/home/")

    metrics = only(collect(conn, settings, ["us-senate"]))

    assert named(metrics).startswith(
        f"us-senate: the report page {server.url(BOOZMAN_PAGE)} answered with the "
        "agreement page; the session expired"
    )
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM filings WHERE doc_id = ?", (congress.BOOZMAN_ID,)
        ).fetchone()[0]
        == 0
    )


def test_a_failing_source_does_not_stop_the_next(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override("/search/home/", status=403)

    result = collect(conn, settings, ["us-senate", "us-house"])

    assert [m.status for m in result.sources] == ["failed", "success"]
    assert result.failed
    assert result.totals()["records_new"] == 19
    assert result.totals()["failed_sources"] == ["us-senate"]


def test_a_senate_report_page_without_its_table_is_a_failed_document(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(
        BOOZMAN_PAGE,
        body=b"<html><body><h1>Periodic Transaction Report</h1><p>Filed 01/13/2026"
        b"</p></body></html>",
    )

    metrics = only(collect(conn, settings, ["us-senate"]))

    assert metrics.status == "success"
    assert metrics.records_failed == 1
    row = filing(conn, congress.BOOZMAN_ID)
    assert row["parse_status"] == "failed"
    assert "no transaction table" in row["parse_error"]
    assert row["transaction_count"] is None
    assert row["archive_path"] is not None


def test_the_senate_search_is_paged_by_100_until_the_total(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer, fixtures: Path
) -> None:
    template = next(r for r in server.senate_rows if congress.BOOZMAN_ID in r[3])
    server.senate_rows = [
        [*template[:3], template[3].replace(congress.BOOZMAN_ID, _uuid(i)), template[4]]
        for i in range(150)
    ]
    server.senate_page_fallback["ptr"] = f"ptr_{congress.BOOZMAN_ID}.html"

    metrics = only(collect(conn, settings, ["us-senate"]))

    starts = [r.form["start"] for r in server.requests if r.path == SEARCH]
    assert starts == ["0", "100"]
    assert {r.form["length"] for r in server.requests if r.path == SEARCH} == {"100"}
    assert {r.form["report_types"] for r in server.requests if r.path == SEARCH} == {
        "[11]"
    }
    assert (metrics.filings_seen, metrics.documents_fetched) == (150, 150)
    assert metrics.records_new == 150 * 8


def _uuid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def test_the_senate_searches_from_the_day_of_its_last_successful_pull(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    collect(conn, settings, ["us-senate"], CollectOptions())
    first = [r.form for r in server.requests if r.path == SEARCH][-1]
    conn.execute(
        "UPDATE data_sources SET last_success_at = '2026-03-04T22:10:00Z' "
        "WHERE id = 'us-senate'"
    )

    collect(conn, settings, ["us-senate"], CollectOptions())

    second = [r.form for r in server.requests if r.path == SEARCH][-1]
    this_year = dt.date.today().year
    assert first["submitted_start_date"] == f"01/01/{this_year} 00:00:00"
    assert second["submitted_start_date"] == "03/04/2026 00:00:00"
    # Empty form fields do not show in the server's log.
    assert second.get("submitted_end_date", "") == ""


def test_since_and_year_set_the_senate_search_window(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    collect(conn, settings, ["us-senate"], CollectOptions(since=dt.date(2026, 2, 1)))
    collect(conn, settings, ["us-senate"], CollectOptions(year=2024))

    forms = [r.form for r in server.requests if r.path == SEARCH]
    assert forms[0]["submitted_start_date"] == "02/01/2026 00:00:00"
    assert (forms[1]["submitted_start_date"], forms[1]["submitted_end_date"]) == (
        "01/01/2024 00:00:00",
        "12/31/2024 23:59:59",
    )


# --- the House's ways of failing ------------------------------------------------------


def test_a_corrupt_index_zip_fails_the_house_naming_the_index(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.house_indexes[2025] = b"PK\x03\x04 this is not a whole ZIP file"

    result = collect(conn, settings, ["us-house", "us-senate"])

    house, senate = result.sources
    assert house.status == "failed" and senate.status == "success"
    assert named(house).startswith("us-house: the 2025 index http://127.0.0.1")
    assert "not a readable ZIP file" in house.error
    assert house.records_failed == 1
    # The readable 2023 index was still collected.
    assert filing(conn, "20022260")["transaction_count"] == 13


def test_a_missing_index_fails_the_house_with_the_year_named(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    metrics = only(collect(conn, settings, ["us-house"], CollectOptions(year=2024)))

    assert named(metrics).startswith("us-house: the 2024 index could not be fetched")
    assert "404" in metrics.error


def test_a_truncated_pdf_is_a_failed_document_and_the_run_goes_on(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer, fixtures: Path
) -> None:
    whole = (fixtures / "us_house" / "ptr-pdfs" / "20026537.pdf").read_bytes()
    server.override(ALLEN_PDF, body=whole[: len(whole) // 2])

    metrics = only(collect(conn, settings, ["us-house"]))

    assert metrics.status == "success"
    assert metrics.records_failed == 1
    assert metrics.records_new == 19 - 4
    allen = filing(conn, "20026537")
    assert allen["parse_status"] == "failed"
    assert allen["parse_error"]
    assert allen["transaction_count"] is None
    assert allen["size_bytes"] == len(whole) // 2


def test_an_html_page_instead_of_a_pdf_is_not_archived_and_is_fetched_again(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(
        ALLEN_PDF, body=b"<html><body>Service unavailable</body></html>", times=1
    )

    first = only(collect(conn, settings, ["us-house"]))
    failed = filing(conn, "20026537")
    second = only(collect(conn, settings, ["us-house"]))

    assert first.records_failed == 1
    assert failed["parse_status"] == "failed"
    assert "HTML page instead of the PDF" in failed["parse_error"]
    assert failed["archive_path"] is None
    assert (second.documents_fetched, second.records_new, second.records_failed) == (
        1,
        4,
        0,
    )
    assert filing(conn, "20026537")["parse_status"] == "parsed"
    assert server.count(ALLEN_PDF) == 2


def test_an_oversized_document_is_refused_and_recorded_as_failed(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(ALLEN_PDF, huge_bytes=60 * 1024 * 1024)

    metrics = only(collect(conn, settings, ["us-house"]))

    assert metrics.records_failed == 1
    assert "limit" in filing(conn, "20026537")["parse_error"]


def test_a_missing_pdf_is_recorded_as_failed_and_tried_again(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(ALLEN_PDF, status=404, times=1)

    first = only(collect(conn, settings, ["us-house"]))
    missing = filing(conn, "20026537")
    second = only(collect(conn, settings, ["us-house"]))

    assert first.records_failed == 1
    assert missing["parse_status"] == "failed"
    assert "could not fetch it" in missing["parse_error"]
    assert "404" in missing["parse_error"]
    assert second.records_new == 4
    assert filing(conn, "20026537")["parse_status"] == "parsed"


def test_an_unreachable_site_fails_with_one_clear_line(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    offline = load_settings(
        env={
            "PTT_HOME": str(tmp_path),
            "PTT_US_HOUSE_BASE_URL": "http://127.0.0.1:9",
            "PTT_US_SENATE_BASE_URL": "http://127.0.0.1:9",
        }
    )

    result = collect(
        conn, offline, ["us-house", "us-senate"], CollectOptions(year=2025)
    )

    house, senate = result.errors()
    assert house.startswith("us-house: the 2025 index could not be fetched: GET ")
    assert "the connection failed" in house
    assert senate.startswith("us-senate: the agreement page (GET /search/home/) failed")
    assert "\n" not in house + senate


# --- options -------------------------------------------------------------------------


def test_limit_caps_the_documents_fetched_and_the_next_run_continues(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    options = CollectOptions(years=(2023, 2025), limit=2)

    first = only(collect(conn, settings, ["us-house"], options))
    second = only(collect(conn, settings, ["us-house"], options))
    third = only(collect(conn, settings, ["us-house"], options))

    assert [m.documents_fetched for m in (first, second, third)] == [2, 2, 1]
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 5


def test_since_keeps_the_house_filings_filed_on_or_after_it(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    options = CollectOptions(years=(2023, 2025), since=dt.date(2025, 8, 13))

    metrics = only(collect(conn, settings, ["us-house"], options))

    assert metrics.filings_seen == 2
    docs = {r[0] for r in conn.execute("SELECT doc_id FROM filings")}
    assert docs == {"20030886", "20032062"}


@pytest.mark.parametrize(
    ("today", "last_success", "since", "years"),
    [
        ("2026-03-10", None, None, [2026]),  # a first run: this year
        ("2026-01-10", None, None, [2025, 2026]),  # last year's late filings too
        ("2026-01-31", "2026-01-30", None, [2025, 2026]),
        ("2026-02-01", "2026-01-30", None, [2026]),  # the grace has passed
        ("2026-03-10", "2024-06-01", None, [2024, 2025, 2026]),  # after a pause
        ("2026-03-10", "2024-06-01", "2025-08-13", [2025, 2026]),  # --since wins
        ("2026-03-10", None, "2026-03-01", [2026]),
    ],
)
def test_a_run_without_year_reads_every_index_that_can_have_new_reports(
    today: str, last_success: str | None, since: str | None, years: list[int]
) -> None:
    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    assert index_years(dt.date.fromisoformat(today), day(last_success), day(since)) == (
        years
    )


def test_in_january_a_run_reads_last_years_index_and_waits_for_this_years(
    conn: sqlite3.Connection,
    settings: Settings,
    server: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The fixture server has the 2025 index and no 2026 one, as the Clerk's site would
    # in the first days of 2026.
    monkeypatch.setenv("PTT_NOW", "2026-01-05T12:00:00Z")

    metrics = only(collect(conn, settings, ["us-house"], CollectOptions()))

    assert metrics.status == "success", metrics.error
    assert server.count("/public_disc/financial-pdfs/2025FD.zip") == 1
    assert server.count("/public_disc/financial-pdfs/2026FD.zip") == 1
    assert filing(conn, "20030886")["transaction_count"] == 1
    assert "The House 2026 index is not published yet" in caplog.text


def test_after_january_a_missing_index_of_this_year_fails_the_run(
    conn: sqlite3.Connection,
    settings: Settings,
    server: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTT_NOW", "2025-11-20T12:00:00Z")
    assert only(collect(conn, settings, ["us-house"], CollectOptions())).error is None
    monkeypatch.setenv("PTT_NOW", "2026-03-02T12:00:00Z")

    metrics = only(collect(conn, settings, ["us-house"], CollectOptions()))

    # The last successful pull was in 2025: its index is read again, in case it grew.
    assert server.count("/public_disc/financial-pdfs/2025FD.zip") == 2
    assert named(metrics).startswith("us-house: the 2026 index could not be fetched")


def test_an_unchanged_index_is_read_again_from_the_archive(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    options = CollectOptions(year=2025)
    collect(conn, settings, ["us-house"], options)

    again = only(collect(conn, settings, ["us-house"], options))

    assert again.filings_seen == 4
    index = "/public_disc/financial-pdfs/2025FD.zip"
    assert server.count(index) == 2
    assert (settings.documents_dir / "us-house" / "index" / "2025FD.zip").is_file()


class RecordingProgress:
    def __init__(self) -> None:
        self.totals: list[int] = []
        self.labels: list[str | None] = []

    def set_total(self, total: int) -> None:
        self.totals.append(total)

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        self.labels.append(label)


def test_progress_counts_documents_across_sources_with_the_politician(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    progress = RecordingProgress()

    collect(conn, settings, ["us-house", "us-senate"], progress=progress)

    assert progress.totals == [5, 8]
    assert len(progress.labels) == 8
    assert "Nancy Pelosi (20022260)" in progress.labels


def test_the_action_records_the_metrics_and_the_job(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    collect(
        conn,
        settings,
        ["us-senate"],
        action_source="scheduled_job",
        job_id=7,
        execution_id=11,
    )

    action = conn.execute("SELECT * FROM action_logs").fetchone()
    assert (action["action_type"], action["status"], action["source"]) == (
        "data_collection_complete",
        "completed",
        "scheduled_job",
    )
    assert (action["job_id"], action["execution_id"]) == (7, 11)
    details = json.loads(action["details"])
    assert details["metrics"]["records_new"] == 9
    assert details["metrics"]["source"] == "us-senate"


# --- the command line -------------------------------------------------------------------


def test_collect_refuses_an_unknown_source_with_exit_2(tmp_path: Path) -> None:
    done = run_ptt(tmp_path, "collect", "--source", "us-congres")

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: unknown source 'us-congres' (known: us-house, us-senate, "
        "uk-parliament, eu-parliament, california, us-congress, us-states, all)"
    )


def test_collect_refuses_a_since_that_is_not_a_date(tmp_path: Path) -> None:
    done = run_ptt(tmp_path, "collect", "--source", "us-senate", "--since", "March")

    assert done.returncode == 2
    assert done.stderr.strip() == "Error: --since 'March' is not a date (YYYY-MM-DD)"


def test_filings_refuses_an_unknown_status(tmp_path: Path) -> None:
    done = run_ptt(tmp_path, "filings", "--status", "broken")

    assert done.returncode == 2
    assert "unknown status 'broken'" in done.stderr


def test_an_index_with_entity_tricks_fails_the_house_without_expanding_them(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    laughs = "".join(
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    line = congress.index_lines(Path(server.fixtures), 2025)[0]
    archive = congress.index_zip(2025, [line])
    with zipfile.ZipFile(io.BytesIO(archive)) as original:
        xml = original.read("2025FD.xml").decode()
    xml = xml.replace(
        "<FinancialDisclosure>",
        f'<!DOCTYPE FinancialDisclosure [<!ENTITY l0 "ha">{laughs}]>'
        "<FinancialDisclosure>",
    ).replace("<Last>Allen</Last>", "<Last>&l9;</Last>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as tricked:
        tricked.writestr("2025FD.xml", xml)
    server.house_indexes[2025] = buffer.getvalue()

    metrics = only(collect(conn, settings, ["us-house"], CollectOptions(year=2025)))

    assert metrics.status == "failed"
    assert metrics.error is not None and "cannot be read" in metrics.error
    assert conn.execute("SELECT COUNT(*) FROM politicians").fetchone()[0] == 0


def test_reparse_reads_house_pdfs_again_from_the_archive(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    collect(conn, settings, ["us-house"])
    conn.execute("UPDATE trading_disclosures SET asset_name = 'garbled'")
    conn.execute("DELETE FROM trading_disclosures WHERE row_number = 13")
    requests = len(server.requests)

    outcomes = reparse_documents(conn, settings, source="us-house")

    by_doc = {o.doc_id: o for o in outcomes}
    assert set(by_doc) == set(congress.HOUSE_PDF_PATHS)
    assert (by_doc["20022260"].updated, by_doc["20022260"].new) == (12, 1)
    assert by_doc[congress.SCANNED_DOC].new_status == "needs_ocr"
    assert not by_doc[congress.SCANNED_DOC].changed
    assert len(server.requests) == requests
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM trading_disclosures WHERE asset_name = 'garbled'"
        ).fetchone()[0]
        == 0
    )


def test_reparse_records_the_archived_copy_it_read_not_the_one_first_stored(
    conn: sqlite3.Connection,
    settings: Settings,
    fixtures: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    collect(conn, settings, ["us-house"])
    # The Aderholt PDF's archived copy replaced by another real PTR's bytes.
    other = (fixtures / "us_house" / "ptr-pdfs" / "20030886.pdf").read_bytes()
    path = filing(conn, "20032062")["archive_path"]
    (settings.documents_dir / path).write_bytes(other)

    reparse_documents(conn, settings, doc_id="20032062")

    stored = filing(conn, "20032062")
    assert stored["sha256"] == hashlib.sha256(other).hexdigest()
    assert stored["size_bytes"] == len(other)
    assert "is not the one first stored" in caplog.text


@pytest.mark.parametrize(
    ("pid", "host", "interrupted"),
    [
        (os.getpid(), hostname(), False),  # this very process: still running
        (None, hostname(), False),  # nothing says who runs it
        (2**22 + 1, "another-host", False),  # a process this host cannot check
        (2**22 + 1, hostname(), True),  # no such process here: it died
    ],
)  # fmt: skip
def test_a_running_pull_is_interrupted_only_when_its_process_is_gone_from_this_host(
    conn: sqlite3.Connection, pid: int | None, host: str, interrupted: bool
) -> None:
    ensure_data_source(conn, "us-house", name="House", url=None)
    conn.execute(
        "UPDATE data_sources SET last_status = 'running', running_pid = ?, "
        "running_host = ? WHERE id = 'us-house'",
        (pid, host),
    )
    row = conn.execute("SELECT * FROM data_sources").fetchone()

    shown = pull_status(row)
    reaped = reap_interrupted_pull(conn, "us-house")

    assert (shown, reaped) == ("interrupted" if interrupted else "running", interrupted)
    after = conn.execute("SELECT * FROM data_sources").fetchone()
    assert after["last_status"] == ("failed" if interrupted else "running")
    assert after["consecutive_failures"] == int(interrupted)


def test_reparse_withdraws_a_row_an_earlier_reading_invented_and_keeps_it(
    conn: sqlite3.Connection, settings: Settings
) -> None:
    collect(conn, settings, ["us-house"])
    allen = filing(conn, "20026537")
    conn.execute(
        "INSERT INTO trading_disclosures (politician_id, filing_id, row_number, "
        "asset_name) VALUES (?, ?, 99, 'a row no reading states')",
        (allen["politician_id"], allen["id"]),
    )

    outcomes = {o.doc_id: o for o in reparse_documents(conn, settings)}
    again = {o.doc_id: o for o in reparse_documents(conn, settings)}

    assert (outcomes["20026537"].withdrawn, outcomes["20026537"].changed) == (1, True)
    assert outcomes["20026537"].as_dict()["withdrawn"] == 1
    assert sum(o.withdrawn for o in outcomes.values()) == 1
    assert not any(o.changed for o in again.values())
    kept = conn.execute(
        "SELECT status, withdrawn_at, asset_name FROM trading_disclosures "
        "WHERE filing_id = ? AND row_number = 99",
        (allen["id"],),
    ).fetchone()
    assert (kept["status"], kept["asset_name"]) == (
        "withdrawn",
        "a row no reading states",
    )
    assert kept["withdrawn_at"] is not None


def test_a_document_whose_archived_copy_was_deleted_is_fetched_again(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    collect(conn, settings, ["us-house"])
    (settings.documents_dir / "us-house" / "2025" / "20026537.pdf").unlink()

    again = only(collect(conn, settings, ["us-house"]))

    assert (again.documents_fetched, again.records_new, again.records_updated) == (
        1,
        0,
        0,
    )
    assert again.records_processed == 4
    assert server.count(ALLEN_PDF) == 2


def test_when_no_index_can_be_read_earlier_failures_are_not_retried(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    server.override(ALLEN_PDF, status=404, times=1)
    collect(conn, settings, ["us-house"])
    server.override("/public_disc/financial-pdfs/2023FD.zip", status=404)
    server.override("/public_disc/financial-pdfs/2025FD.zip", status=404)

    metrics = only(collect(conn, settings, ["us-house"]))

    assert metrics.status == "failed"
    assert server.count(ALLEN_PDF) == 1


def test_a_site_that_stops_answering_ends_the_run_instead_of_trying_every_document(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    lines = [
        f"Hon.\tAllen\tRichard W.\t\tP\tGA12\t2025\t1/16/2025\t{30_000_000 + n}"
        for n in range(40)
    ]
    server.house_indexes = {2025: congress.index_zip(2025, lines)}
    for n in range(40):
        server.override(
            f"/public_disc/ptr-pdfs/2025/{30_000_000 + n}.pdf", truncate=True
        )

    metrics = only(collect(conn, settings, ["us-house"], CollectOptions(year=2025)))

    assert metrics.status == "failed"
    assert named(metrics).startswith("us-house: 8 documents in a row got no answer")
    asked = [p for p in server.paths() if p.startswith("/public_disc/ptr-pdfs/")]
    assert 8 <= len(asked) < 40


def test_one_member_listed_with_and_without_a_suffix_is_one_politician(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer, fixtures: Path
) -> None:
    with zipfile.ZipFile(fixtures / "us_house" / "2025FD.zip") as archive:
        text = archive.read("2025FD.txt").decode("utf-8-sig")
    collins = [line for line in text.splitlines() if "\tCollins\t" in line]
    assert len(collins) == 2
    server.house_indexes = {2025: congress.index_zip(2025, collins)}

    collect(conn, settings, ["us-house"], CollectOptions(year=2025))

    politicians = conn.execute("SELECT * FROM politicians").fetchall()
    assert len(politicians) == 1
    assert (politicians[0]["last_name"], politicians[0]["suffix"]) == ("Collins", "Jr")
    assert politicians[0]["state_country"] == "GA"
    owners = {r[0] for r in conn.execute("SELECT politician_id FROM filings")}
    assert owners == {politicians[0]["id"]}
