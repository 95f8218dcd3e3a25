"""Sources added with a mapping file, end to end against a real local server.

No copy of San Francisco's Form 700 export exists here, so the end-to-end runs use a
real dataset we do have, CalMatters' Form 700 Schedule A-1 CSV, served under its real
path and read through tests/data/california-mapping.json: the same machinery, a real
file. The San Francisco example mapping is only checked to load, and to fail loudly,
naming its columns, against a file that lacks them.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ptt import db
from ptt.collect import CollectOptions, reparse_documents, run_collection
from ptt.config import Settings, load_settings
from ptt.errors import UsageError
from ptt.sources import expand_sources, get_source, known_sources
from ptt.sources.mapped import add_mapped_source
from tests.fixture_server import FixtureServer
from tests.helpers import ROOT, run_ptt

CSV_PATH = "/CalMatters/ca-form-700-data/main/schedule-a1.csv"
JSON_PATH = "/aggregate/all_transactions.json"
MAPPING = ROOT / "tests" / "data" / "california-mapping.json"
SF_MAPPING = ROOT / "examples" / "mappings" / "sf-form700-a1.json"
NAME = "ca-legislators"
ENV = {"PTT_RATE_LIMIT": "0", "PTT_CONTACT": "tests@example.org"}
WATCHER_MAPPING = {
    "source": "ignored",
    "format": "json",
    "columns": {
        "politician_name": "senator",
        "document_id": "ptr_link",
        "document_url": "ptr_link",
        "transaction_date": "transaction_date",
        "asset_name": "asset_description",
        "asset_ticker": "ticker",
        "transaction_type": "type",
        "owner": "owner",
        "amount_text": "amount",
    },
    "document_id_pattern": "/ptr/([0-9a-f-]{36})/",
    "date_format": "%m/%d/%Y",
    "transaction_types": {"Purchase": "purchase", "Sale (Full)": "sale_full"},
    "owners": {"Spouse": "spouse", "Self": "self", "Joint": "joint"},
}


@pytest.fixture
def server(fixture_server: FixtureServer, fixtures: Path) -> FixtureServer:
    fixture_server.files[CSV_PATH] = (
        fixtures / "california" / "form700_schedule_a1_first300.csv"
    )
    fixture_server.files[JSON_PATH] = (
        fixtures / "aggregated" / "senate_stock_watcher_all_transactions_first300.json"
    )
    return fixture_server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(env={"PTT_HOME": str(tmp_path), **ENV})


@pytest.fixture
def conn(settings: Settings) -> Iterator[sqlite3.Connection]:
    connection = db.connect(settings.db_path)
    yield connection
    connection.close()


def add(home: Path, server: FixtureServer, *extra: str) -> Any:
    return run_ptt(
        home,
        "sources",
        "add-mapped",
        NAME,
        "--url",
        server.url(CSV_PATH),
        "--mapping",
        str(MAPPING),
        *extra,
        **ENV,
    )


def collect(home: Path, *sources: str) -> dict[str, Any]:
    args = [a for s in sources for a in ("--source", s)]
    done = run_ptt(home, "collect", *args, "--format", "json", **ENV)
    assert done.returncode == 0, done.stderr
    return {item["source"]: item for item in json.loads(done.stdout)}


def database(home: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(home / "ptt.db")
    conn.row_factory = sqlite3.Row
    return conn


def test_an_added_source_is_collected_end_to_end_from_the_real_file(
    tmp_path: Path, server: FixtureServer
) -> None:
    added = add(tmp_path, server)

    assert added.returncode == 0, added.stderr
    assert added.stdout == (
        f"Added {NAME} (holdings) from {server.url(CSV_PATH)}; collect it with "
        f"`ptt collect --source {NAME}`\n"
    )
    summary = collect(tmp_path, NAME)[NAME]
    assert (summary["status"], summary["filings_seen"]) == ("success", 32)
    assert (summary["records_new"], summary["records_failed"]) == (300, 0)

    conn = database(tmp_path)
    source = conn.execute("SELECT * FROM data_sources WHERE id = ?", (NAME,)).fetchone()
    assert json.loads(source["mapping"])["source"] == NAME
    assert (source["gives"], source["last_status"]) == ("holdings", "success")
    assert source["last_records_new"] == 300
    row = conn.execute(
        "SELECT d.*, f.doc_id, f.archive_path, f.sha256, p.full_name "
        "FROM trading_disclosures d JOIN filings f ON f.id = d.filing_id "
        "JOIN politicians p ON p.id = d.politician_id "
        "WHERE d.asset_name = 'Roplast Industries'"
    ).fetchone()
    assert (row["doc_id"], row["full_name"]) == (
        "da1e29da-1588-4c5c-a993-39b93957f8f0",
        "Marc Berman",
    )
    assert (row["transaction_type"], row["amount_range_min"], row["origin"]) == (
        "holding",
        1_000_001,
        "calmatters",
    )
    origins = conn.execute("SELECT DISTINCT origin FROM filings").fetchall()
    assert [o[0] for o in origins] == ["calmatters"]
    assert row["amount_range_max"] is None
    archived = tmp_path / "documents" / row["archive_path"]
    assert archived.read_bytes().startswith(b"filer,filingYear,name,")
    assert row["archive_path"].startswith(f"{NAME}/documents/da1e29da-")
    assert (tmp_path / "documents" / NAME / "latest.csv").read_bytes() == (
        server.files[CSV_PATH].read_bytes()
    )
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 32


def test_a_second_pull_asks_conditionally_and_changes_nothing(
    tmp_path: Path, server: FixtureServer
) -> None:
    add(tmp_path, server)
    collect(tmp_path, NAME)
    before = (
        database(tmp_path)
        .execute("SELECT id, updated_at FROM trading_disclosures ORDER BY id")
        .fetchall()
    )

    again = collect(tmp_path, NAME)[NAME]

    assert (again["records_new"], again["records_updated"]) == (0, 0)
    assert again["documents_fetched"] == 0
    last = server.requests[-1]
    assert last.path == CSV_PATH and "If-None-Match" in last.headers
    after = (
        database(tmp_path)
        .execute("SELECT id, updated_at FROM trading_disclosures ORDER BY id")
        .fetchall()
    )
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


def test_reparse_reads_an_added_sources_documents_again_from_the_archive(
    tmp_path: Path, server: FixtureServer
) -> None:
    add(tmp_path, server)
    collect(tmp_path, NAME)
    requests = len(server.requests)

    done = run_ptt(tmp_path, "reparse", "--source", NAME, "--format", "json", **ENV)

    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert len(outcomes) == 32
    assert {(o["new_status"], o["changed"], o["error"]) for o in outcomes} == {
        ("parsed", False, None)
    }
    assert sum(o["unchanged"] for o in outcomes) == 300
    assert len(server.requests) == requests


def test_source_all_collects_the_added_source_and_skips_disabled_ones(
    tmp_path: Path, server: FixtureServer
) -> None:
    add(tmp_path, server)
    # The built-in sources would reach the real sites: leave them out of "all".
    for source_id in known_sources():
        done = run_ptt(tmp_path, "sources", "disable", source_id, **ENV)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"{source_id} disabled\n"

    summary = collect(tmp_path, "all")

    assert list(summary) == [NAME]
    assert summary[NAME]["records_new"] == 300
    listing = run_ptt(tmp_path, "sources", "--format", "json", **ENV)
    sources = {s["id"]: s for s in json.loads(listing.stdout)}
    assert sources[NAME] | {"last_pull_at": None} == {
        "id": NAME,
        "kind": "added",
        "gives": "holdings",
        "active": "yes",
        "last_pull_at": None,
        "last_status": "success",
        "rows": 300,
        "filings": 32,
        "last_error": None,
        "url": server.url(CSV_PATH),
        "members": None,
    }
    assert sources["us-house"]["active"] == "no"
    assert sources["us-house"]["kind"] == "collected"


def test_a_disabled_source_leaves_all_and_its_group_but_runs_when_named(
    conn: sqlite3.Connection, server: FixtureServer
) -> None:
    from ptt.sources.catalog import set_active

    assert set_active(conn, "us-senate", False) is True
    assert set_active(conn, "us-senate", False) is False

    assert "us-senate" not in expand_sources(["all"], conn)
    assert expand_sources(["us-congress"], conn) == ["us-house"]
    assert expand_sources(["us-senate"], conn) == ["us-senate"]
    assert set_active(conn, "us-senate", True) is True
    assert expand_sources(["us-congress"], conn) == ["us-house", "us-senate"]
    actions = conn.execute(
        "SELECT action_type, target, result_message FROM action_logs ORDER BY id"
    ).fetchall()
    assert [tuple(a) for a in actions] == [
        ("source_disabled", "us-senate", "us-senate disabled"),
        ("source_disabled", "us-senate", "us-senate was already disabled"),
        ("source_enabled", "us-senate", "us-senate enabled"),
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("us-congress", "'us-congress' is a group; name one of its sources"),
        ("us-congres", "unknown source 'us-congres' (known: us-house, us-senate"),
    ],
)
def test_enable_and_disable_refuse_what_is_not_one_source(
    tmp_path: Path, name: str, error: str
) -> None:
    done = run_ptt(tmp_path, "sources", "disable", name, **ENV)

    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {error}")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"colums": {}}, "Error: Mapping key 'colums' is unknown"),
        ({"format": "xlsx"}, 'Error: Mapping key \'format\' must be "csv" or "json"'),
        (
            {"columns": {"politician_name": "filer", "document_id": "formUrl"}},
            "Error: Mapping key 'columns.asset_name' is missing",
        ),
        (
            {"default_transaction_type": "trade"},
            "Error: Mapping key 'default_transaction_type' is 'trade'",
        ),
    ],
)
def test_add_mapped_refuses_a_bad_mapping_naming_the_key(
    tmp_path: Path, server: FixtureServer, change: dict[str, Any], error: str
) -> None:
    spec = {**json.loads(MAPPING.read_text()), **change}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(spec))

    done = run_ptt(
        tmp_path,
        "sources",
        "add-mapped",
        NAME,
        "--url",
        server.url(CSV_PATH),
        "--mapping",
        str(bad),
        **ENV,
    )

    assert done.returncode == 2
    assert done.stderr.startswith(error)
    assert len(done.stderr.strip().splitlines()) == 1
    assert (
        database(tmp_path).execute("SELECT COUNT(*) FROM data_sources").fetchone()[0]
        == 0
    )


@pytest.mark.parametrize(
    ("name", "url", "error"),
    [
        ("us-house", "http://127.0.0.1/x.csv", "is taken by a built-in source"),
        ("all", "http://127.0.0.1/x.csv", "is taken by a built-in source"),
        ("SF Ethics", "http://127.0.0.1/x.csv", "must be lower-case letters"),
        ("sf-ethics", "data.sfgov.org/x.csv", "is not an http or https address"),
    ],
)
def test_add_mapped_refuses_a_bad_name_or_address(
    conn: sqlite3.Connection, name: str, url: str, error: str
) -> None:
    with pytest.raises(UsageError, match=error):
        add_mapped_source(conn, name, url=url, mapping_text=MAPPING.read_text())


def test_adding_a_source_twice_needs_replace(
    tmp_path: Path, server: FixtureServer
) -> None:
    add(tmp_path, server)

    again = add(tmp_path, server)
    replaced = add(tmp_path, server, "--replace", "--gives", "trades and holdings")

    assert again.returncode == 2
    assert again.stderr == (
        f"Error: '{NAME}' is already an added source; add --replace to change its "
        "address or mapping\n"
    )
    assert replaced.returncode == 0, replaced.stderr
    conn = database(tmp_path)
    gives = conn.execute("SELECT gives FROM data_sources WHERE id = ?", (NAME,))
    assert gives.fetchone()[0] == "trades and holdings"
    actions = conn.execute("SELECT action_type FROM action_logs ORDER BY id")
    assert [a[0] for a in actions] == ["source_added", "source_replaced"]


def test_a_mapping_whose_columns_the_file_lacks_fails_the_pull_naming_them(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    # The San Francisco example is unverified; against a real file without its
    # columns it must fail loudly, never report "0 new".
    add_mapped_source(
        conn, "sf-ethics", url=server.url(CSV_PATH), mapping_text=SF_MAPPING.read_text()
    )

    result = run_collection(
        conn, settings, expand_sources(["sf-ethics"], conn), CollectOptions()
    )

    [metrics] = result.sources
    assert metrics.status == "failed"
    assert metrics.error == (
        "sf-ethics file lacks the mapped columns Business Description, "
        "Fair Market Value As Range, Filer Name, Filing, Filing Date, "
        "Name Of Business Entity, Nature Of Investment; "
        "the file or the mapping is out of date"
    )
    row = conn.execute("SELECT * FROM data_sources WHERE id = 'sf-ethics'").fetchone()
    assert (row["last_status"], row["consecutive_failures"]) == ("failed", 1)
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 0


def test_a_json_list_is_collected_through_a_mapping_one_document_per_report(
    conn: sqlite3.Connection, settings: Settings, server: FixtureServer
) -> None:
    add_mapped_source(
        conn,
        "watcher-json",
        url=server.url(JSON_PATH),
        mapping_text=json.dumps(WATCHER_MAPPING),
    )

    # run_collection knows an added source by its id, without expand_sources first.
    [metrics] = run_collection(
        conn, settings, ["watcher-json"], CollectOptions()
    ).sources

    assert metrics.status == "success", metrics.error
    # 35 reports with a /ptr/ id; the 4 paper filings have none and fail, stated why.
    assert (metrics.filings_seen, metrics.records_failed) == (39, 4)
    assert metrics.records_new == 296
    source = get_source("watcher-json")
    assert source.gives == "trades"
    failed = conn.execute(
        "SELECT parse_error FROM filings WHERE parse_status = 'failed'"
    ).fetchall()
    assert len(failed) == 4
    assert all("have no usable document id" in r[0] for r in failed)
    wyden = conn.execute(
        "SELECT f.archive_path FROM filings f WHERE f.doc_id = ?",
        ("a0010f4a-c31a-4824-8b6d-6399b3ccb6f0",),
    ).fetchone()
    kept = json.loads((settings.documents_dir / wyden[0]).read_bytes())
    assert kept[0]["ticker"] == "BYND" and kept[0]["senator"] == "Ron L Wyden"


def test_us_states_collects_california_and_every_added_source(
    tmp_path: Path, server: FixtureServer
) -> None:
    add(tmp_path, server)
    env = {"PTT_CALIFORNIA_URL": server.url(CSV_PATH)}

    done = run_ptt(
        tmp_path, "collect", "--source", "us-states", "--format", "json", **ENV, **env
    )

    assert done.returncode == 0, done.stderr
    summary = {item["source"]: item for item in json.loads(done.stdout)}
    assert list(summary) == ["california", NAME]
    # The same real file, read by California's own reader and through the mapping.
    assert summary["california"]["records_new"] == summary[NAME]["records_new"] == 300
    conn = database(tmp_path)
    doc_ids = {
        source: {r[0] for r in conn.execute(
            "SELECT doc_id FROM filings WHERE source_id = ?", (source,))}
        for source in ("california", NAME)
    }  # fmt: skip
    assert doc_ids["california"] == doc_ids[NAME]
    listing = run_ptt(tmp_path, "sources", "--format", "json", **ENV)
    group = next(s for s in json.loads(listing.stdout) if s["id"] == "us-states")
    assert (group["kind"], group["gives"], group["rows"]) == ("group", "holdings", 600)
    assert group["members"] == f"california, {NAME}"


def test_sources_writes_csv_with_a_header_when_not_on_a_terminal(
    tmp_path: Path,
) -> None:
    done = run_ptt(tmp_path, "sources", **ENV)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "id,kind,gives,active,last_pull_at,last_status,rows,filings,last_error,url,"
        "members"
    )
    assert lines[1] == (
        "us-house,collected,trades,yes,,,0,0,,https://disclosures-clerk.house.gov,"
    )
    assert lines[-1] == "us-states,group,holdings,,,,0,0,,,california"


def test_filers_sharing_a_document_id_stay_apart_by_filer(
    conn: sqlite3.Connection,
    settings: Settings,
    server: FixtureServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A mapping that takes the filing year for the document id: every legislator of a
    # year shares it, as a state file with a coarse id column would.
    spec = json.loads(MAPPING.read_text())
    spec["columns"]["document_id"] = "filingYear"
    del spec["document_id_pattern"]
    add_mapped_source(
        conn, "by-year", url=server.url(CSV_PATH), mapping_text=json.dumps(spec)
    )

    [metrics] = run_collection(conn, settings, ["by-year"], CollectOptions()).sources
    outcomes = reparse_documents(conn, settings, source="by-year")

    rows = list(csv.DictReader(io.StringIO(server.files[CSV_PATH].read_text())))
    statements = list(dict.fromkeys((r["filingYear"], r["filer"]) for r in rows))
    years: set[str] = set()
    expected = set()
    for year, filer in statements:
        expected.add(f"{year}/{filer}" if year in years else year)
        years.add(year)
    assert (metrics.filings_seen, metrics.records_new) == (len(statements), 300)
    assert {r[0] for r in conn.execute("SELECT doc_id FROM filings")} == expected
    assert "lists more than one filer" in caplog.text
    assert {o.new_status for o in outcomes} == {"parsed"}
    assert not any(o.changed for o in outcomes)


def test_sources_list_is_the_listing_of_sources(tmp_path: Path) -> None:
    group = run_ptt(tmp_path, "sources", **ENV)
    listed = run_ptt(tmp_path, "sources", "list", **ENV)

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == group.stdout
    assert listed.stdout.startswith("id,kind,gives,active,")
