"""``california`` end to end: CalMatters' Form 700 Schedule A-1 CSV on the server."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from tests import more_sources
from tests.fixture_server import CALIFORNIA_PATH, FixtureServer

SOURCE = "california"
CSV = "california/form700_schedule_a1_first300.csv"
BECKER_2021 = "8dea1d95-1d39-4b1e-8223-5c949ce6e445"
# The statement that the first 150 rows cut in two.
BERMAN = "da1e29da-1588-4c5c-a993-39b93957f8f0"


def fixture_rows(fixtures: Path) -> list[dict[str, str]]:
    text = (fixtures / CSV).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def first_rows(fixtures: Path, count: int) -> bytes:
    """Return the fixture's header and its first rows, cut at a row boundary."""
    lines = (fixtures / CSV).read_bytes().splitlines(keepends=True)
    return b"".join(lines[: 1 + count])


def test_it_stores_each_statement_with_its_bands_dates_and_form(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    rows = fixture_rows(fixtures)
    forms = {row["formUrl"] for row in rows}

    summary, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)

    metrics = summary[SOURCE]
    assert metrics["status"] == "success"
    assert (metrics["filings_seen"], metrics["documents_fetched"]) == (32, 32)
    assert (metrics["records_new"], metrics["records_failed"]) == (300, 0)
    conn = more_sources.database(tmp_path)
    filings = {row["url"]: row for row in conn.execute("SELECT * FROM filings")}
    assert set(filings) == forms
    becker = next(f for f in filings.values() if f["doc_id"] == BECKER_2021)
    assert (becker["year"], becker["filing_date"], becker["parse_status"]) == (
        2021,
        None,
        "parsed",
    )
    assert becker["transaction_count"] == sum(
        1 for row in rows if BECKER_2021 in row["formUrl"]
    )
    archived = (tmp_path / "documents" / becker["archive_path"]).read_bytes()
    assert hashlib.sha256(archived).hexdigest() == becker["sha256"]
    disposed = conn.execute(
        "SELECT t.*, p.full_name FROM trading_disclosures t "
        "JOIN politicians p ON p.id = t.politician_id "
        "WHERE t.filing_id = ? AND t.asset_name = 'Docusign'",
        (becker["id"],),
    ).fetchone()
    assert (
        disposed["full_name"],
        disposed["transaction_type"],
        disposed["amount_range_min"],
        disposed["amount_range_max"],
        disposed["amount_text"],
        disposed["comment"],
        json.loads(disposed["raw"])["disposed_date"],
    ) == (
        "Josh Becker",
        "holding",
        2_000,
        10_000,
        "$2,000 - $10,000",
        "Disposed 2021-12-31",
        "2021-12-31",
    )
    bands = conn.execute(
        "SELECT amount_text, amount_range_min, amount_range_max, COUNT(*) "
        "FROM trading_disclosures GROUP BY amount_text ORDER BY amount_range_min"
    ).fetchall()
    assert [tuple(b) for b in bands] == [
        ("$2,000 - $10,000", 2_000, 10_000, 90),
        ("$10,001 - $100,000", 10_001, 100_000, 172),
        ("$100,001 - $1,000,000", 100_001, 1_000_000, 35),
        ("Over $1,000,000", 1_000_001, None, 3),
    ]
    source = conn.execute(
        "SELECT * FROM data_sources WHERE id = ?", (SOURCE,)
    ).fetchone()
    assert (source["gives"], source["last_records_new"]) == ("holdings", 300)


def test_a_second_run_gets_304_and_changes_nothing(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)
    before = more_sources.snapshot(tmp_path, SOURCE)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "success"
    assert (metrics.filings_seen, metrics.documents_fetched) == (32, 0)
    assert (metrics.records_new, metrics.records_updated) == (0, 0)
    assert more_sources.snapshot(tmp_path, SOURCE) == before
    again = [r for r in fixture_server.requests if r.path == CALIFORNIA_PATH][-1]
    assert "If-None-Match" in again.headers


def test_a_statement_that_grows_is_read_again_and_its_old_file_kept(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.california_csv = first_rows(fixtures, 150)
    first = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)
    fixture_server.california_csv = (fixtures / CSV).read_bytes()

    second = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    assert first.sources[0].records_new == 150
    (metrics,) = second.sources
    assert metrics.records_new == 150
    assert metrics.records_updated == 0
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0] == 300
    berman = conn.execute(
        "SELECT * FROM filings WHERE doc_id = ?", (BERMAN,)
    ).fetchone()
    assert berman["transaction_count"] == 42
    versions = [
        p
        for p in more_sources.archived_files(tmp_path, SOURCE)
        if p.parent.name == BERMAN
    ]
    assert len(versions) == 2
    assert (tmp_path / "documents" / berman["archive_path"]) in versions


def test_a_statement_that_shrinks_keeps_the_rows_it_no_longer_states_withdrawn(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)
    fixture_server.california_csv = first_rows(fixtures, 150)
    kept = sum(1 for row in fixture_rows(fixtures)[:150] if BERMAN in row["formUrl"])

    summary, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)

    metrics = summary[SOURCE]
    assert (metrics["records_new"], metrics["records_withdrawn"]) == (0, 42 - kept)
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0] == 300
    berman = conn.execute(
        "SELECT t.status, COUNT(*) FROM trading_disclosures t "
        "JOIN filings f ON f.id = t.filing_id WHERE f.doc_id = ? GROUP BY t.status",
        (BERMAN,),
    ).fetchall()
    assert dict((r[0], r[1]) for r in berman) == {
        "active": kept,
        "withdrawn": 42 - kept,
    }


def test_a_csv_that_is_not_the_export_fails_the_run_naming_it(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    fixture_server.override(
        CALIFORNIA_PATH, body=b"<html><body>404: Not Found</body></html>"
    )

    summary, stderr = more_sources.collect_process(
        tmp_path, fixture_server, SOURCE, expect=1
    )

    assert summary[SOURCE]["status"] == "failed"
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: california: the Form 700 CSV (http://")
    assert "lacks the columns" in last
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 0


def test_an_archived_statement_that_went_missing_is_kept_again_unchanged(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)
    conn = more_sources.database(tmp_path)
    filing = conn.execute(
        "SELECT * FROM filings WHERE doc_id = ?", (BECKER_2021,)
    ).fetchone()
    path = tmp_path / "documents" / filing["archive_path"]
    path.unlink()

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert (metrics.records_new, metrics.records_updated) == (0, 0)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == filing["sha256"]


def test_a_csv_with_its_header_and_no_rows_fails_the_run(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.california_csv = first_rows(fixtures, 0)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "failed"
    assert metrics.error is not None
    assert metrics.error.endswith("has a header and no rows; the file may be being "
                                  "republished")  # fmt: skip
