"""``ptt collect --source us-congress`` end to end: a real process against a real server.

The server serves the real House and Senate documents under their real paths; the
database is checked row by row against what those documents say, a second run must
change nothing and fetch no document twice, and a run killed midway must leave nothing
the next run cannot finish without duplicates or losses.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests import congress
from tests.fixture_server import FixtureServer
from tests.helpers import ROOT, ptt_env, run_ptt


@pytest.fixture
def server(fixture_server: FixtureServer, fixtures: Path) -> FixtureServer:
    """Return the fixture server listing the scenario's documents."""
    return congress.set_up(fixture_server, fixtures)


def collect(home: Path, server: FixtureServer, *extra: str) -> dict[str, Any]:
    """Run a whole collection as a process; return its JSON summary by source."""
    done = run_ptt(
        home,
        *congress.collect_args("--format", "json", *extra),
        **congress.environment(server),
    )
    assert done.returncode == 0, done.stderr
    return {item["source"]: item for item in json.loads(done.stdout)}


def database(home: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(home / "ptt.db")
    conn.row_factory = sqlite3.Row
    return conn


def snapshot(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every stored politician, filing and row, for comparing runs."""
    conn = database(home)
    return {
        "politicians": [
            tuple(r)
            for r in conn.execute(
                "SELECT id, identity_key, full_name, updated_at FROM politicians "
                "ORDER BY id"
            )
        ],
        "filings": [
            tuple(r)
            for r in conn.execute(
                "SELECT source_id, doc_id, politician_id, parse_status, sha256, "
                "transaction_count, updated_at FROM filings ORDER BY source_id, doc_id"
            )
        ],
        "rows": [
            tuple(r)
            for r in conn.execute(
                "SELECT id, filing_id, row_number, status, raw, updated_at "
                "FROM trading_disclosures ORDER BY id"
            )
        ],
    }


def check_documents_stored(home: Path) -> None:
    """Assert the database holds each document of the scenario as the document says."""
    conn = database(home)
    filings = {
        row["doc_id"]: row
        for row in conn.execute(
            "SELECT f.*, p.identity_key FROM filings f "
            "JOIN politicians p ON p.id = f.politician_id"
        )
    }
    assert set(filings) == {e.doc_id for e in congress.EXPECTED}
    for expected in congress.EXPECTED:
        filing = filings[expected.doc_id]
        rows = conn.execute(
            "SELECT COUNT(*) FROM trading_disclosures WHERE filing_id = ?",
            (filing["id"],),
        ).fetchone()[0]
        assert (
            filing["source_id"],
            filing["parse_status"],
            filing["transaction_count"],
            rows,
            filing["identity_key"],
        ) == (
            expected.source,
            expected.status,
            expected.rows,
            expected.rows or 0,
            expected.politician,
        ), expected
        assert filing["sha256"] and len(filing["sha256"]) == 64
        assert (home / "documents" / filing["archive_path"]).is_file()
    duplicates = conn.execute(
        "SELECT COUNT(*) FROM (SELECT filing_id, row_number FROM trading_disclosures "
        "GROUP BY filing_id, row_number HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0
    assert conn.execute("SELECT COUNT(*) FROM politicians").fetchone()[0] == 8


def test_a_collection_stores_every_document_as_it_reads(
    tmp_path: Path, server: FixtureServer
) -> None:
    summary = collect(tmp_path, server)

    house, senate = summary["us-house"], summary["us-senate"]
    assert (house["status"], senate["status"]) == ("success", "success")
    assert (house["filings_seen"], house["documents_fetched"]) == (5, 5)
    assert (house["records_new"], house["documents_needing_ocr"]) == (19, 1)
    assert (senate["filings_seen"], senate["documents_fetched"]) == (3, 3)
    assert (senate["records_new"], senate["documents_needing_ocr"]) == (9, 1)
    assert house["records_failed"] == senate["records_failed"] == 0
    check_documents_stored(tmp_path)

    conn = database(tmp_path)
    apple = conn.execute(
        "SELECT t.* FROM trading_disclosures t JOIN filings f ON f.id = t.filing_id "
        "WHERE f.doc_id = ? AND t.row_number = 1",
        (congress.BOOZMAN_ID,),
    ).fetchone()
    assert (
        apple["transaction_date"],
        apple["disclosure_date"],
        apple["owner"],
        apple["asset_name"],
        apple["asset_ticker"],
        apple["ticker_source"],
        apple["asset_type"],
        apple["transaction_type"],
        apple["amount_range_min"],
        apple["amount_range_max"],
        apple["amount_text"],
        apple["status"],
    ) == (
        "2025-12-17",
        "2026-01-13",
        "joint",
        "Apple Inc",
        "AAPL",
        "document",
        "Stock",
        "purchase",
        1_001,
        15_000,
        "$1,001 - $15,000",
        "active",
    )
    assert apple["source_url"] == server.url(
        congress.SENATE_PAGE_PATHS[congress.BOOZMAN_ID]
    )
    treasury = conn.execute(
        "SELECT t.* FROM trading_disclosures t JOIN filings f ON f.id = t.filing_id "
        "WHERE f.doc_id = '20026537' AND t.row_number = 2"
    ).fetchone()
    assert (
        treasury["transaction_date"],
        treasury["notification_date"],
        treasury["disclosure_date"],
        treasury["owner"],
        treasury["asset_ticker"],
        treasury["asset_cusip"],
        treasury["asset_type_code"],
        treasury["transaction_type"],
        treasury["amount_range_min"],
        treasury["amount_range_max"],
        treasury["subholding_of"],
    ) == (
        "2024-12-03",
        "2025-01-08",
        "2025-01-16",
        "spouse",
        None,
        "91282CJP7",
        "GS",
        "purchase",
        100_001,
        250_000,
        "R.W. Allen & Associates, Inc. > RWA&A - Securities",
    )
    scanned = conn.execute(
        "SELECT * FROM filings WHERE doc_id = ?", (congress.SCANNED_DOC,)
    ).fetchone()
    assert scanned["filing_date"] == "2025-02-06"
    assert "OCR" in scanned["parse_error"]
    paper = conn.execute(
        "SELECT * FROM filings WHERE doc_id = ?", (congress.PAPER_ID,)
    ).fetchone()
    assert json.loads(paper["page_image_urls"])
    sources = {row["id"]: row for row in conn.execute("SELECT * FROM data_sources")}
    assert sources["us-house"]["last_status"] == "success"
    assert sources["us-senate"]["last_records_new"] == 9
    actions = conn.execute(
        "SELECT action_type, status, target FROM action_logs ORDER BY id"
    ).fetchall()
    assert [tuple(a) for a in actions] == [
        ("data_collection_complete", "completed", "us-house"),
        ("data_collection_complete", "completed", "us-senate"),
    ]


def test_a_second_collection_changes_nothing_and_fetches_only_the_indexes(
    tmp_path: Path, server: FixtureServer
) -> None:
    collect(tmp_path, server)
    before = snapshot(tmp_path)

    summary = collect(tmp_path, server)

    for source in ("us-house", "us-senate"):
        counts = summary[source]
        assert (
            counts["documents_fetched"],
            counts["records_new"],
            counts["records_updated"],
            counts["records_failed"],
        ) == (0, 0, 0, 0), source
    assert snapshot(tmp_path) == before
    for path in [
        *congress.HOUSE_PDF_PATHS.values(),
        *congress.SENATE_PAGE_PATHS.values(),
    ]:
        assert server.count(path) == 1, path
    index = "/public_disc/financial-pdfs/2025FD.zip"
    assert server.count(index) == 2
    conditional = [r for r in server.requests if r.path == index][-1]
    assert "If-None-Match" in conditional.headers


def test_a_collection_killed_midway_is_finished_by_the_next_without_duplicates(
    tmp_path: Path, server: FixtureServer
) -> None:
    server.latency = 0.25
    process = subprocess.Popen(
        [sys.executable, "-m", "ptt", *congress.collect_args()],
        cwd=ROOT,
        env=ptt_env(tmp_path, **congress.environment(server), PTT_CONCURRENCY="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        stored = 0
        deadline = time.monotonic() + 60
        while stored < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            stored = _stored_filings(tmp_path)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert 2 <= stored < len(congress.EXPECTED)
    assert _stored_filings(tmp_path) < len(congress.EXPECTED)

    server.latency = 0.0
    collect(tmp_path, server)

    check_documents_stored(tmp_path)
    for path in [
        *congress.HOUSE_PDF_PATHS.values(),
        *congress.SENATE_PAGE_PATHS.values(),
    ]:
        assert server.count(path) <= 2, path


def test_ctrl_c_stops_a_collection_recording_it_as_interrupted_and_losing_nothing(
    tmp_path: Path, server: FixtureServer
) -> None:
    server.latency = 0.25
    process = subprocess.Popen(
        [sys.executable, "-m", "ptt", *congress.collect_args()],
        cwd=ROOT,
        env=ptt_env(tmp_path, **congress.environment(server), PTT_CONCURRENCY="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _stored_filings(tmp_path) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    assert process.returncode == 130, stderr
    assert stderr.rstrip().endswith("Interrupted."), stderr
    conn = database(tmp_path)
    interrupted = conn.execute(
        "SELECT action_type, status, error_message FROM action_logs "
        "WHERE status = 'failed'"
    ).fetchone()
    assert tuple(interrupted) == (
        "data_collection_complete",
        "failed",
        "interrupted before the run ended",
    )
    stored = _stored_filings(tmp_path)
    server.latency = 0.0
    collect(tmp_path, server)
    check_documents_stored(tmp_path)
    assert stored >= 2


def test_a_killed_collection_is_recorded_as_interrupted_by_the_next_run(
    tmp_path: Path, server: FixtureServer
) -> None:
    server.latency = 0.25
    process = subprocess.Popen(
        [sys.executable, "-m", "ptt", *congress.collect_args()],
        cwd=ROOT,
        env=ptt_env(tmp_path, **congress.environment(server), PTT_CONCURRENCY="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _stored_filings(tmp_path) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    server.latency = 0.0
    conn = database(tmp_path)
    killed = conn.execute("SELECT * FROM data_sources WHERE id = 'us-house'").fetchone()
    assert (killed["last_status"], killed["running_pid"]) == ("running", process.pid)
    action_id = killed["running_action_id"]

    listing = run_ptt(tmp_path, "sources", "--format", "json")
    status = run_ptt(tmp_path, "status", "--format", "json")
    # The next pull of the House fails too (the server has no 2024 index).
    failing = run_ptt(
        tmp_path,
        *("collect", "--source", "us-house", "--year", "2024"),
        **congress.environment(server),
    )

    assert listing.returncode == 0, listing.stderr
    house = next(s for s in json.loads(listing.stdout) if s["id"] == "us-house")
    assert house["last_status"] == "interrupted"
    assert status.returncode in (0, 1), status.stderr
    reported = json.loads(status.stdout)["sources"]
    assert next(s for s in reported if s["source"] == "us-house")["last_status"] == (
        "interrupted"
    )
    assert failing.returncode == 1
    action = conn.execute(
        "SELECT * FROM action_logs WHERE id = ?", (action_id,)
    ).fetchone()
    assert (action["action_type"], action["status"], action["error_message"]) == (
        "data_collection_complete",
        "failed",
        "interrupted (the process ended before the run finished)",
    )
    assert action["finished_at"] is not None
    after = conn.execute("SELECT * FROM data_sources WHERE id = 'us-house'").fetchone()
    assert (after["last_status"], after["consecutive_failures"]) == ("failed", 2)
    assert after["running_pid"] is None
    assert "2024" in after["last_error"]

    collect(tmp_path, server)

    check_documents_stored(tmp_path)
    done = conn.execute("SELECT * FROM data_sources WHERE id = 'us-house'").fetchone()
    assert (done["last_status"], done["consecutive_failures"]) == ("success", 0)
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM action_logs WHERE action_type = ?",
            ("data_collection_start",),
        ).fetchone()[0]
        == 0
    )


def _stored_filings(home: Path) -> int:
    path = home / "ptt.db"
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_a_dry_run_lists_what_it_would_fetch_and_stores_nothing(
    tmp_path: Path, server: FixtureServer
) -> None:
    done = run_ptt(
        tmp_path,
        *congress.collect_args("--dry-run", "--format", "csv"),
        **congress.environment(server),
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "source,doc_id,politician,url"
    assert len(lines) == 1 + len(congress.EXPECTED)
    assert any(congress.BOOZMAN_ID in line for line in lines)
    conn = database(tmp_path)
    for table in ("filings", "politicians", "data_sources", "action_logs"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    for path in [
        *congress.HOUSE_PDF_PATHS.values(),
        *congress.SENATE_PAGE_PATHS.values(),
    ]:
        assert server.count(path) == 0, path


def test_a_blocked_senate_fails_with_the_step_named_while_the_house_is_stored(
    tmp_path: Path, server: FixtureServer
) -> None:
    server.override("/search/report/data/", status=403)

    done = run_ptt(
        tmp_path,
        *congress.collect_args("--format", "json"),
        **congress.environment(server),
    )

    assert done.returncode == 1
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: us-senate: the search (POST /search/report/data/")
    # Said once, at the end, not also as a log line while the run went on.
    assert done.stderr.count("the search (POST /search/report/data/") == 1
    assert "refused" in error and "403" in error
    summary = {item["source"]: item for item in json.loads(done.stdout)}
    assert summary["us-house"]["status"] == "success"
    assert summary["us-senate"]["status"] == "failed"
    conn = database(tmp_path)
    senate = conn.execute(
        "SELECT * FROM data_sources WHERE id = 'us-senate'"
    ).fetchone()
    assert (senate["last_status"], senate["consecutive_failures"]) == ("failed", 1)
    assert "403" in senate["last_error"]
    failed = conn.execute(
        "SELECT status, error_message FROM action_logs WHERE target = 'us-senate'"
    ).fetchone()
    assert failed["status"] == "failed" and "search" in failed["error_message"]
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM filings WHERE source_id = 'us-house'"
        ).fetchone()[0]
        == 5
    )


def test_filings_lists_documents_with_their_status_and_reason(
    tmp_path: Path, server: FixtureServer
) -> None:
    collect(tmp_path, server)

    done = run_ptt(tmp_path, "filings", "--status", "needs_ocr", "--format", "json")

    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert {f["doc_id"] for f in listed} == {congress.SCANNED_DOC, congress.PAPER_ID}
    assert all("OCR" in f["parse_error"] and f["url"] for f in listed)
    assert {f["politician"] for f in listed} == {
        "Gus M. Bilirakis",
        "RICHARD BLUMENTHAL",
    }


def test_reparse_reads_archived_documents_again_without_downloading(
    tmp_path: Path, server: FixtureServer
) -> None:
    collect(tmp_path, server)
    conn = database(tmp_path)
    conn.execute(
        "UPDATE trading_disclosures SET amount_text = 'garbled' WHERE row_number = 1"
    )
    conn.commit()
    requests_before = len(server.requests)

    done = run_ptt(tmp_path, "reparse", "--source", "us-senate", "--format", "json")

    assert done.returncode == 0, done.stderr
    outcomes = {o["doc_id"]: o for o in json.loads(done.stdout)}
    assert set(outcomes) == set(congress.SENATE_PAGE_PATHS)
    assert outcomes[congress.BOOZMAN_ID]["updated"] == 1
    assert outcomes[congress.BOOZMAN_ID]["changed"] is True
    assert outcomes[congress.PAPER_ID]["new_status"] == "needs_ocr"
    assert len(server.requests) == requests_before
    garbled = conn.execute(
        "SELECT COUNT(*) FROM trading_disclosures t JOIN filings f ON f.id = t.filing_id "
        "WHERE f.source_id = 'us-senate' AND t.amount_text = 'garbled'"
    ).fetchone()[0]
    assert garbled == 0
