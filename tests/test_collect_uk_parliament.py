"""``uk-parliament`` end to end: the Members and Interests APIs on the fixture server."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from ptt.sources.uk_parliament import stored_children, without_nested_children
from tests import more_sources
from tests.fixture_server import FixtureServer

SOURCE = "uk-parliament"
INTEREST = "interests_api_v1_Interests_12880.json"
# A page of either API that counts results but lists none (the shape of both answers).
EMPTY_PAGE_COUNTING_37 = json.dumps(
    {"skip": 0, "take": 20, "totalResults": 37, "items": [], "links": []}
).encode()


def test_it_stores_sitting_members_and_each_interest_with_its_category(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.uk_repeat = 45

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert (metrics.status, metrics.error) == ("success", None)
    assert (metrics.filings_seen, metrics.documents_fetched) == (1, 1)
    assert (metrics.records_new, metrics.records_failed) == (1, 0)
    assert metrics.listing_seconds is not None
    assert 0 < metrics.listing_seconds <= metrics.duration_seconds
    conn = more_sources.database(tmp_path)
    members = {
        row["uk_member_id"]: tuple(row)[1:]
        for row in conn.execute(
            "SELECT uk_member_id, full_name, last_name, party, district, chamber, "
            "role FROM politicians"
        )
    }
    assert members == {
        "172": (
            "Ms Diane Abbott",
            "Abbott",
            "Independent",
            "Hackney North and Stoke Newington",
            "commons",
            "MP",
        ),
        "4597": (
            "Mrs Kemi Badenoch",
            "Badenoch",
            "Conservative",
            "North West Essex",
            "commons",
            "MP",
        ),
    }
    filing = conn.execute(
        "SELECT f.*, p.uk_member_id FROM filings f "
        "JOIN politicians p ON p.id = f.politician_id"
    ).fetchone()
    assert (
        filing["doc_id"],
        filing["uk_member_id"],
        filing["parse_status"],
        filing["filing_date"],
        filing["transaction_count"],
        filing["url"],
    ) == (
        "12880",
        "4597",
        "parsed",
        "2025-07-14",
        1,
        "https://interests-api.parliament.uk/api/v1/Interests/12880",
    )
    archived = (tmp_path / "documents" / filing["archive_path"]).read_bytes()
    assert hashlib.sha256(archived).hexdigest() == filing["sha256"]
    original = json.loads((fixtures / "uk_parliament" / INTEREST).read_bytes())
    assert json.loads(archived) == original
    row = conn.execute("SELECT * FROM trading_disclosures").fetchone()
    assert (
        row["transaction_type"],
        row["category"],
        row["amount_range_min"],
        row["amount_range_max"],
        row["amount_text"],
        row["description"],
    ) == (
        "interest",
        "Gifts, benefits and hospitality from UK sources",
        1396,
        1396,
        "GBP 1396.00",
        "The All England Lawn Tennis Club (CHAMPIONSHIPS) Limited - £1,396.00",
    )
    source = conn.execute(
        "SELECT * FROM data_sources WHERE id = ?", (SOURCE,)
    ).fetchone()
    assert (source["gives"], source["last_status"], source["last_records_new"]) == (
        "holdings",
        "success",
        1,
    )


def test_it_pages_the_register_twenty_at_a_time_with_child_interests(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    fixture_server.uk_repeat = 45

    more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    pages = [
        parse_qs(request.query)
        for request in fixture_server.requests
        if request.path == "/api/v1/Interests"
    ]
    assert [(p["Skip"], p["Take"]) for p in pages] == [
        (["0"], ["20"]),
        (["20"], ["20"]),
        (["40"], ["20"]),
    ]
    assert all(p["ExpandChildInterests"] == ["true"] for p in pages)
    searches = [
        parse_qs(request.query)
        for request in fixture_server.requests
        if request.path == "/api/Members/Search"
    ]
    assert [s["skip"] for s in searches] == [["0"], ["20"], ["40"]]
    assert all(
        s["House"] == ["1"] and s["IsCurrentMember"] == ["true"] for s in searches
    )
    # The interest's member is not sitting in the served list: looked up once by id.
    assert fixture_server.count("/api/Members/4597") == 1


def test_a_second_run_changes_nothing(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    first, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)
    before = more_sources.snapshot(tmp_path, SOURCE)

    second, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)

    assert first[SOURCE]["records_new"] == 1
    assert more_sources.counts(second[SOURCE]) == (0, 0, 0, 0)
    assert second[SOURCE]["filings_seen"] == 1
    assert more_sources.snapshot(tmp_path, SOURCE) == before
    archived = more_sources.archived_files(tmp_path, SOURCE)
    assert [path.parent.name for path in archived] == ["12880"]


@pytest.mark.parametrize(
    ("path", "override", "message"),
    [
        (
            "/api/v1/Interests",
            {"status": 500, "body": b"Internal Server Error"},
            "uk-parliament: the Interests API page at Skip=0 could not be fetched",
        ),
        (
            "/api/v1/Interests",
            {"body": b"<html><body>Service unavailable</body></html>"},
            "uk-parliament: the Interests API page at Skip=0 (http://",
        ),
        (
            "/api/Members/Search",
            {"body": b"<html>maintenance</html>"},
            "uk-parliament: the Members API search page at skip 0 (http://",
        ),
        (
            "/api/v1/Interests",
            {"body": EMPTY_PAGE_COUNTING_37},
            "uk-parliament: the Interests API page at Skip=0 counts 37 interests but "
            "lists none",
        ),
        (
            "/api/v1/Interests",
            {
                "body": json.dumps(
                    {
                        "skip": 20,
                        "take": 20,
                        "totalResults": 37,
                        "items": [],
                        "links": [],
                    }
                ).encode()
            },
            "uk-parliament: the Interests API page at Skip=0 answered skip 20: the API "
            "ignored the paging",
        ),
        (
            "/api/Members/Search",
            {"body": EMPTY_PAGE_COUNTING_37},
            "uk-parliament: the Members API search page at skip 0 counts 37 sitting "
            "members but lists none",
        ),
        (
            "/api/Members/4597",
            {"status": 503, "body": b"Service Unavailable"},
            "uk-parliament: the Members API answer for member 4597 could not be "
            "fetched",
        ),
    ],
)
def test_a_failing_or_unreadable_api_fails_the_run_naming_the_step(
    tmp_path: Path,
    fixture_server: FixtureServer,
    path: str,
    override: dict[str, object],
    message: str,
) -> None:
    fixture_server.override(path, **override)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "failed"
    (error,) = result.errors()
    assert error.startswith(message)
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 0
    source = conn.execute(
        "SELECT * FROM data_sources WHERE id = ?", (SOURCE,)
    ).fetchone()
    assert (source["last_status"], source["consecutive_failures"]) == ("failed", 1)


def test_the_command_exits_non_zero_with_one_line_naming_the_page(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    fixture_server.override("/api/v1/Interests", body=b"not json")

    summary, stderr = more_sources.collect_process(
        tmp_path, fixture_server, SOURCE, expect=1
    )

    assert summary[SOURCE]["status"] == "failed"
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: uk-parliament: the Interests API page at Skip=0")
    assert "not valid JSON" in last


@pytest.mark.parametrize(
    ("since", "stored"),
    [(dt.date(2025, 7, 14), 1), (dt.date(2025, 7, 15), 0)],
)
def test_since_keeps_interests_registered_or_published_on_or_after_the_date(
    tmp_path: Path, fixture_server: FixtureServer, since: dt.date, stored: int
) -> None:
    result = more_sources.collect_in_process(
        tmp_path, fixture_server, SOURCE, since=since
    )

    (metrics,) = result.sources
    assert metrics.status == "success"
    assert (metrics.filings_seen, metrics.documents_fetched) == (stored, stored)


def test_the_real_interest_has_no_child_and_is_stored_as_its_own_document(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    real = json.loads((fixtures / "uk_parliament" / INTEREST).read_text())
    fixture_server.uk_repeat = 3

    more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    # What the real record says of children: nothing to nest, no parent.
    assert (real["parentInterestId"], real.get("childInterests")) == (None, None)
    assert without_nested_children([real, real], {"12881"}) == [real, real]
    conn = more_sources.database(tmp_path)
    assert stored_children(conn) == set()
    assert [r[0] for r in conn.execute("SELECT doc_id FROM filings")] == ["12880"]


def test_a_child_listed_beside_the_parent_that_nests_it_is_stored_once(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    # The one real interest has no child, so the child here is that record under
    # another id naming it as parent: only the links between the two are made up.
    parent = json.loads((fixtures / "uk_parliament" / INTEREST).read_text())
    child = copy.deepcopy(parent)
    child["id"], child["parentInterestId"] = 12881, parent["id"]
    parent["childInterests"] = [copy.deepcopy(child)]
    fixture_server.uk_interests = [parent, child]

    first = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)
    fixture_server.uk_interests = [child]
    second = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    conn = more_sources.database(tmp_path)
    rows = conn.execute(
        "SELECT f.doc_id, t.row_number, json_extract(t.raw, '$.interest_id') "
        "FROM trading_disclosures t JOIN filings f ON f.id = t.filing_id "
        "ORDER BY t.id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [("12880", 1, 12880), ("12880", 2, 12881)]
    assert (first.sources[0].filings_seen, first.sources[0].records_new) == (1, 2)
    assert (second.sources[0].filings_seen, second.sources[0].records_new) == (0, 0)
    assert stored_children(conn) == {"12881"}


def test_a_child_whose_parent_holds_no_copy_of_it_is_kept_as_its_own_document(
    fixtures: Path,
) -> None:
    parent = json.loads((fixtures / "uk_parliament" / INTEREST).read_text())
    child = copy.deepcopy(parent)
    child["id"], child["parentInterestId"] = 12881, parent["id"]

    assert without_nested_children([parent, child]) == [parent, child]


def test_an_interest_without_an_id_is_counted_failed_and_the_others_are_stored(
    tmp_path: Path, fixture_server: FixtureServer, caplog: pytest.LogCaptureFixture
) -> None:
    # The real interest, and a copy of it stripped of its id: nothing traces the copy
    # to the register.
    real = fixture_server.uk_interests[0]
    fixture_server.uk_interests.append({k: v for k, v in real.items() if k != "id"})

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "success"
    assert (metrics.records_new, metrics.records_failed) == (1, 1)
    conn = more_sources.database(tmp_path)
    docs = [row[0] for row in conn.execute("SELECT doc_id FROM filings")]
    assert docs == ["12880"]
    assert "has no id and cannot be traced to the register" in caplog.text
