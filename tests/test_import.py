"""``ptt import``: Senate Stock Watcher's real files and a CSV through a mapping.

The official Senate fixture pages (2018 and 2026) and the dataset's first 300 rows
(2020) share senators but no report, so the de-duplication tests build the overlap
from the dataset itself: the dataset's reading of some real reports is stored first as
if collected from the Senate (source us-senate), then the whole file is imported. A row
found in both must be stored once as active and once as a duplicate pointing at it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ptt import db
from ptt.collect import CollectOptions, run_collection
from ptt.config import Settings, load_settings
from ptt.errors import ParseError, UsageError
from ptt.importing import import_dataset
from ptt.parsing.stock_watcher import parse_senate_stock_watcher
from ptt.store import ensure_data_source, store_document
from tests import congress
from tests.fixture_server import FixtureServer
from tests.helpers import ROOT, run_ptt

AGGREGATE = "aggregated/senate_stock_watcher_all_transactions_first300.json"
PER_DAY = "aggregated/senate_stock_watcher_transaction_report_for_01_04_2018.json"
CALIFORNIA = "california/form700_schedule_a1_first300.csv"
WATCHER = "senate-stock-watcher"
WYDEN = "a0010f4a-c31a-4824-8b6d-6399b3ccb6f0"
# Three real reports; the first holds three identical lots of NVDA and of WDAY.
OVERLAP = (
    "4e013e86-56bf-4a73-90ea-d7badba4ac9b",
    WYDEN,
    "35aec3a8-60a7-4f06-bae3-3b202949e5e5",
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(env={"PTT_HOME": str(tmp_path), "PTT_RATE_LIMIT": "0"})


@pytest.fixture
def conn(settings: Settings) -> Iterator[sqlite3.Connection]:
    connection = db.connect(settings.db_path)
    yield connection
    connection.close()


def rows_of(conn: sqlite3.Connection, source: str, doc_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT d.* FROM trading_disclosures d JOIN filings f ON f.id = d.filing_id "
        "WHERE f.source_id = ? AND f.doc_id = ? ORDER BY d.row_number",
        (source, doc_id),
    ).fetchall()


def snapshot(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT id, filing_id, row_number, status, duplicate_of_id, updated_at "
            "FROM trading_disclosures ORDER BY id"
        )
    ]


def store_as_collected(conn: sqlite3.Connection, fixtures: Path) -> int:
    """Store the dataset's reading of the OVERLAP reports as Senate documents."""
    ensure_data_source(conn, "us-senate", name="US Senate", url=None)
    docs = parse_senate_stock_watcher((fixtures / AGGREGATE).read_bytes())
    stored = 0
    for doc in docs:
        if doc.doc_id in OVERLAP:
            for row in doc.transactions:
                row.origin = None
            store_document(conn, doc, source_id="us-senate", url=doc.url, archived=None)
            stored += len(doc.transactions)
    return stored


def test_it_imports_each_report_with_the_dataset_as_its_source(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    result = import_dataset(
        conn, settings, fixtures / AGGREGATE, "senate-stock-watcher"
    )

    assert (result.documents, result.found, result.new) == (39, 296, 296)
    assert (result.duplicate, result.already_imported) == (0, 0)
    assert (result.failed, result.needs_ocr) == (0, 4)
    filing = conn.execute("SELECT * FROM filings WHERE doc_id = ?", (WYDEN,)).fetchone()
    assert (filing["source_id"], filing["origin"]) == (WATCHER, WATCHER)
    assert filing["url"] == f"https://efdsearch.senate.gov/search/view/ptr/{WYDEN}/"
    entry = json.loads(filing["index_entry"])
    kept = settings.documents_dir / entry["archive_path"]
    assert kept.read_bytes() == (fixtures / AGGREGATE).read_bytes()
    assert entry["sha256"] == result.sha256
    [first, *_] = rows_of(conn, WATCHER, WYDEN)
    assert (first["asset_name"], first["asset_ticker"], first["owner"]) == (
        "Beyond Meat, Inc.",
        "BYND",
        "spouse",
    )
    assert (first["transaction_date"], first["origin"], first["status"]) == (
        "2020-11-10",
        WATCHER,
        "active",
    )
    bond = rows_of(conn, WATCHER, OVERLAP[2])[1]
    # The HTML of the description is gone, and "--" is no ticker.
    assert (bond["asset_name"], bond["asset_ticker"]) == ("OWENS & MINOR", None)
    assert bond["description"] == "Rate/Coupon: 3.875% Matures: 09/15/2021"
    source = conn.execute(
        "SELECT * FROM data_sources WHERE id = ?", (WATCHER,)
    ).fetchone()
    assert (source["last_status"], source["last_records_new"]) == ("success", 296)
    action = conn.execute(
        "SELECT * FROM action_logs WHERE action_type = 'data_import'"
    ).fetchone()
    assert (action["status"], action["target"]) == ("completed", WATCHER)
    assert json.loads(action["details"])["new"] == 296


def test_importing_the_same_file_twice_changes_nothing(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    before = snapshot(conn)

    again = import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")

    assert (again.new, again.duplicate, again.already_imported) == (0, 0, 296)
    assert snapshot(conn) == before


def test_rows_collected_from_the_senate_are_stored_as_duplicates_pointing_at_them(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    collected = store_as_collected(conn, fixtures)

    result = import_dataset(
        conn, settings, fixtures / AGGREGATE, "senate-stock-watcher"
    )

    assert (result.found, result.duplicate) == (296, collected)
    assert result.new == 296 - collected
    active = conn.execute(
        "SELECT COUNT(*) FROM trading_disclosures WHERE status = 'active'"
    ).fetchone()[0]
    assert active == 296
    for doc_id in OVERLAP:
        official = rows_of(conn, "us-senate", doc_id)
        imported = rows_of(conn, WATCHER, doc_id)
        assert [r["status"] for r in imported] == ["duplicate"] * len(official)
        # Each collected row is matched once: three identical lots stay three.
        assert [r["duplicate_of_id"] for r in imported] == [r["id"] for r in official]
        assert {r["politician_id"] for r in imported + official} == {
            official[0]["politician_id"]
        }
    before = snapshot(conn)
    again = import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    assert (again.new, again.duplicate) == (0, collected)
    assert snapshot(conn) == before


def test_a_row_collected_after_the_import_becomes_a_duplicate_on_the_next_import(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    collected = store_as_collected(conn, fixtures)

    again = import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")

    assert (again.new, again.duplicate) == (0, collected)
    assert again.already_imported == 296 - collected


def test_the_official_collection_and_the_dataset_meet_in_one_politician_each(
    conn: sqlite3.Connection,
    fixture_server: FixtureServer,
    fixtures: Path,
    tmp_path: Path,
) -> None:
    server = congress.set_up(fixture_server, fixtures)
    env = {"PTT_HOME": str(tmp_path), **congress.environment(server)}
    settings = load_settings(env=env)
    run_collection(conn, settings, ["us-senate"], CollectOptions(years=(2026,)))

    result = import_dataset(
        conn, settings, fixtures / AGGREGATE, "senate-stock-watcher"
    )

    # The pages are 2018 and 2026 reports, the dataset's rows 2020: nothing repeats.
    assert (result.new, result.duplicate) == (296, 0)
    for key in ("senate|boozman|john", "senate|blumenthal|richard"):
        sources = conn.execute(
            "SELECT DISTINCT f.source_id FROM filings f JOIN politicians p "
            "ON p.id = f.politician_id WHERE p.identity_key = ? ORDER BY 1",
            (key,),
        ).fetchall()
        assert [s[0] for s in sources] == [WATCHER, "us-senate"]


def test_it_reads_the_per_day_layout_with_filing_dates_and_bioguide_ids(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    result = import_dataset(conn, settings, fixtures / PER_DAY, "senate-stock-watcher")

    assert (result.documents, result.new, result.needs_ocr) == (2, 45, 1)
    perdue = conn.execute(
        "SELECT f.filing_date, p.full_name, p.bioguide_id FROM filings f "
        "JOIN politicians p ON p.id = f.politician_id "
        "WHERE f.doc_id = 'cca86792-4a51-46d6-96c6-d25a40612fb8'"
    ).fetchone()
    assert tuple(perdue) == ("2018-01-04", "David A Perdue, Jr", "P000612")


def test_a_csv_dataset_is_imported_through_a_mapping_with_its_own_id(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    spec = json.loads((ROOT / "tests/data/california-mapping.json").read_text())
    spec["source"] = "calmatters-a1"

    result = import_dataset(
        conn, settings, fixtures / CALIFORNIA, "csv", mapping_text=json.dumps(spec)
    )

    assert (result.dataset, result.documents, result.new) == ("calmatters-a1", 32, 300)
    origins = conn.execute("SELECT DISTINCT origin FROM trading_disclosures")
    assert [o[0] for o in origins] == ["calmatters"]
    filings = conn.execute("SELECT DISTINCT origin FROM filings")
    assert [f[0] for f in filings] == ["calmatters"]


@pytest.mark.parametrize(
    ("fmt", "mapping", "error"),
    [
        ("house-stock-watcher", None, "House Stock Watcher's layout is not documented"),
        (
            "quiver",
            None,
            r"unknown format 'quiver' \(known: senate-stock-watcher, csv\)",
        ),
        ("csv", None, "--format csv needs --mapping FILE"),
        ("senate-stock-watcher", "{}", "--mapping is for --format csv only"),
        ("csv", '{"source": "california"}', "Mapping key 'columns' must be"),
    ],
)
def test_it_refuses_a_format_it_cannot_read(
    conn: sqlite3.Connection,
    settings: Settings,
    fixtures: Path,
    fmt: str,
    mapping: str | None,
    error: str,
) -> None:
    with pytest.raises(UsageError, match=error):
        import_dataset(conn, settings, fixtures / AGGREGATE, fmt, mapping_text=mapping)


def test_a_mapping_may_not_import_into_a_collected_source(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    mapping = (ROOT / "tests/data/california-mapping.json").read_text()

    with pytest.raises(UsageError, match="'california', a collected source"):
        import_dataset(
            conn, settings, fixtures / CALIFORNIA, "csv", mapping_text=mapping
        )


def test_a_file_cut_short_fails_the_import_and_keeps_what_was_stored(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path, tmp_path: Path
) -> None:
    import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    before = snapshot(conn)
    cut = tmp_path / "cut.json"
    cut.write_bytes((fixtures / AGGREGATE).read_bytes()[:5000])

    with pytest.raises(ParseError, match="not valid JSON"):
        import_dataset(conn, settings, cut, "senate-stock-watcher")

    assert snapshot(conn) == before
    actions = conn.execute(
        "SELECT status FROM action_logs WHERE action_type = 'data_import' ORDER BY id"
    ).fetchall()
    assert [a[0] for a in actions] == ["completed", "failed"]
    source = conn.execute(
        "SELECT last_status, last_error FROM data_sources WHERE id = ?", (WATCHER,)
    ).fetchone()
    assert source[0] == "failed" and "not valid JSON" in source[1]


def test_the_import_command_reports_its_counts_and_lists_the_dataset(
    tmp_path: Path, fixtures: Path
) -> None:
    done = run_ptt(tmp_path, "import", str(fixtures / AGGREGATE), "--format",
                   "senate-stock-watcher")  # fmt: skip
    refused = run_ptt(tmp_path, "import", str(fixtures / AGGREGATE), "--format",
                      "house-stock-watcher")  # fmt: skip
    listing = run_ptt(tmp_path, "sources", "--format", "json")

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Imported {WATCHER} from {fixtures / AGGREGATE}: 39 report(s), 296 row(s) "
        "found, 296 new, 0 duplicate, 0 already imported, 0 failed report(s), "
        "4 needing OCR\n"
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("Error: House Stock Watcher's layout")
    dataset = next(s for s in json.loads(listing.stdout) if s["id"] == WATCHER)
    assert (dataset["kind"], dataset["active"], dataset["rows"]) == (
        "dataset",
        None,
        296,
    )


def test_a_collected_row_read_away_gives_its_duplicate_back_its_place(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    store_as_collected(conn, fixtures)
    import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    docs = parse_senate_stock_watcher((fixtures / AGGREGATE).read_bytes())
    report = next(d for d in docs if d.doc_id == OVERLAP[0])
    # A later reading of the Senate document without its last row (as a parser that
    # improved would give) withdraws that row; its duplicate is then the only copy.
    report.transactions = report.transactions[:-1]

    store_document(conn, report, source_id="us-senate", url=report.url, archived=None)

    imported = rows_of(conn, WATCHER, OVERLAP[0])
    assert len(imported) > 3
    assert [r["status"] for r in imported[:-1]] == ["duplicate"] * (len(imported) - 1)
    assert (imported[-1]["status"], imported[-1]["duplicate_of_id"]) == ("active", None)
    collected = rows_of(conn, "us-senate", OVERLAP[0])
    assert len(collected) == len(imported)
    assert collected[-1]["status"] == "withdrawn"
    assert collected[-1]["withdrawn_at"] is not None
    assert {r["status"] for r in collected[:-1]} == {"active"}
    assert db.integrity_check(conn) == []


def test_a_csv_whose_document_id_is_shared_keeps_every_filers_rows(
    conn: sqlite3.Connection, settings: Settings, fixtures: Path
) -> None:
    spec = json.loads((ROOT / "tests/data/california-mapping.json").read_text())
    spec["source"] = "calmatters-by-year"
    spec["columns"]["document_id"] = "filingYear"
    del spec["document_id_pattern"]

    result = import_dataset(
        conn, settings, fixtures / CALIFORNIA, "csv", mapping_text=json.dumps(spec)
    )

    # Steven Bradford filed two forms for 2021: by year they are one document.
    assert (result.documents, result.new) == (31, 300)
    assert conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0] == 300


def test_an_interrupted_import_keeps_the_reports_stored_and_the_next_finishes(
    conn: sqlite3.Connection,
    settings: Settings,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ptt.importing

    real = ptt.importing.mark_duplicates
    calls = {"n": 0}

    def interrupt_at_the_tenth_report(conn: sqlite3.Connection, filing_id: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 10:
            raise KeyboardInterrupt
        return real(conn, filing_id)

    monkeypatch.setattr(ptt.importing, "mark_duplicates", interrupt_at_the_tenth_report)
    with pytest.raises(KeyboardInterrupt):
        import_dataset(conn, settings, fixtures / AGGREGATE, "senate-stock-watcher")
    monkeypatch.setattr(ptt.importing, "mark_duplicates", real)

    # The tenth report's transaction was rolled back; nine are stored.
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 9
    action = conn.execute("SELECT status, error_message FROM action_logs").fetchone()
    assert tuple(action) == ("failed", "interrupted before the import ended")
    result = import_dataset(
        conn, settings, fixtures / AGGREGATE, "senate-stock-watcher"
    )
    assert result.new + result.already_imported == 296
    assert conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0] == 296
