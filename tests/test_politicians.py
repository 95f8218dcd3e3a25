"""One person across sources and spellings: real names, and merging two identities."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ptt import db
from ptt.errors import UsageError
from ptt.model import StatedPolitician
from ptt.names import identity_key
from ptt.parsing.house import parse_index_txt
from ptt.parsing.senate import SearchRow, parse_search_results
from ptt.parsing.stock_watcher import parse_senate_stock_watcher
from ptt.politicians import find_politician_by_reference, merge_politicians
from ptt.store import find_politician, store_document, upsert_politician
from tests.helpers import run_ptt

WATCHER = "aggregated/senate_stock_watcher_all_transactions_first300.json"


def _search_rows(fixtures: Path) -> list[SearchRow]:
    data = (fixtures / "us_senate" / "search_report_data.json").read_bytes()
    return parse_search_results(data).rows


def _senator(row: SearchRow) -> StatedPolitician:
    return StatedPolitician(
        full_name=f"{row.first_name} {row.last_name}".strip(),
        first_name=row.first_name,
        last_name=row.last_name,
        suffix=row.suffix,
        role="Senator",
        chamber="senate",
    )


def _watcher_name(fixtures: Path, stated: str) -> StatedPolitician:
    docs = parse_senate_stock_watcher((fixtures / WATCHER).read_bytes())
    rows = json.loads((fixtures / WATCHER).read_bytes())
    link = next(r["ptr_link"] for r in rows if r["senator"] == stated)
    politician = next(d.politician for d in docs if d.url == link)
    assert politician is not None
    return politician


@pytest.mark.parametrize(
    ("watcher", "search_last"),
    [
        ("A. Mitchell Mcconnell, Jr.", "McConnell"),
        ("Angus S King, Jr.", "King"),
        ("John Boozman", "Boozman"),
        ("Mark R Warner", "Warner"),
        ("Richard Blumenthal", "BLUMENTHAL"),
        ("Sheldon Whitehouse", "Whitehouse"),
        ("Susan M Collins", "Collins"),
    ],
)
def test_a_senator_of_the_stock_watcher_meets_the_same_senator_of_the_official_search(
    fixtures: Path, watcher: str, search_last: str
) -> None:
    # Both spellings are real: the dataset's "senator" field and the eFD search row.
    row = next(r for r in _search_rows(fixtures) if r.last_name == search_last)

    assert identity_key(_watcher_name(fixtures, watcher)) == identity_key(_senator(row))


@pytest.mark.parametrize(
    ("last", "key"),
    [
        ("Banks", "house|banks|james"),  # First is "James E Hon": a trailing honorific
        ("Franklin", "house|franklin|scott"),  # "Scott Mr"
        ("Green", "house|green|mark"),  # "Mark Dr"
        ("Mullin", "house|mullin|markwayne"),
    ],
)
def test_the_house_index_spellings_reduce_to_the_member(
    fixtures: Path, last: str, key: str
) -> None:
    entries = parse_index_txt((fixtures / "us_house" / "2023FD.txt").read_bytes())

    keys = {identity_key(e.politician()) for e in entries if e.last == last}

    assert key in keys


@pytest.mark.parametrize(
    ("search_last", "key"),
    [
        ("Hagerty", "senate|hagerty|william"),  # last name "Hagerty, IV"
        ("McConnell", "senate|mcconnell|mitchell"),  # "A. Mitchell", "McConnell, Jr."
        ("BLUMENTHAL", "senate|blumenthal|richard"),  # "RICHARD " in capitals
    ],
)
def test_the_senate_search_spellings_reduce_to_the_senator(
    fixtures: Path, search_last: str, key: str
) -> None:
    row = next(r for r in _search_rows(fixtures) if r.last_name == search_last)

    assert identity_key(_senator(row)) == key


def test_the_per_day_file_names_a_senator_in_capitals_as_the_aggregate_would(
    fixtures: Path,
) -> None:
    data = (
        fixtures
        / "aggregated"
        / "senate_stock_watcher_transaction_report_for_01_04_2018.json"
    )
    burr, perdue = parse_senate_stock_watcher(data.read_bytes())

    assert burr.politician is not None and perdue.politician is not None
    assert identity_key(burr.politician) == "senate|burr|richard"
    assert identity_key(perdue.politician) == identity_key(
        _watcher_name(fixtures, "David A Perdue , Jr")
    )


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return db.connect(tmp_path / "ptt.db")


def _mullin_twice(fixtures: Path, conn: sqlite3.Connection) -> tuple[int, int]:
    """Return the ids of Markwayne Mullin as a Representative (2023) and a Senator."""
    house = parse_index_txt((fixtures / "us_house" / "2023FD.txt").read_bytes())
    entry = next(e for e in house if e.last == "Mullin")
    senate = next(r for r in _search_rows(fixtures) if r.last_name == "Mullin")
    representative = upsert_politician(conn, entry.politician(), source_id="us-house")
    senator = upsert_politician(conn, _senator(senate), source_id="us-senate")
    return senator, representative


def test_identity_matching_keeps_a_member_who_changed_chamber_apart(
    fixtures: Path, conn: sqlite3.Connection
) -> None:
    senator, representative = _mullin_twice(fixtures, conn)

    assert senator != representative


def _store_watcher_report(fixtures: Path, conn: sqlite3.Connection) -> int:
    docs = parse_senate_stock_watcher((fixtures / WATCHER).read_bytes())
    doc = next(d for d in docs if d.parse_status == "parsed")
    store_document(conn, doc, source_id="us-senate", url=doc.url, archived=None)
    assert doc.politician is not None
    found = find_politician(conn, doc.politician)
    assert found is not None
    return found


def test_merging_moves_the_filings_and_rows_and_keeps_the_names(
    fixtures: Path, conn: sqlite3.Connection
) -> None:
    conn.execute("INSERT INTO data_sources (id, name) VALUES ('us-senate', 'Senate')")
    senator, representative = _mullin_twice(fixtures, conn)
    # A real report of another senator, attributed to the House identity so that
    # the merge has filings and rows to move.
    other = _store_watcher_report(fixtures, conn)
    conn.execute("UPDATE filings SET politician_id = ?", (representative,))
    conn.execute("UPDATE trading_disclosures SET politician_id = ?", (representative,))
    rows = conn.execute("SELECT COUNT(*) FROM trading_disclosures").fetchone()[0]

    result = merge_politicians(conn, senator, representative)

    assert (result.filings_moved, result.disclosures_moved) == (1, rows)
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM trading_disclosures WHERE politician_id = ?",
            (senator,),
        ).fetchone()[0]
        == rows
    )
    merged = conn.execute(
        "SELECT * FROM politicians WHERE id = ?", (representative,)
    ).fetchone()
    assert merged["merged_into_id"] == senator
    assert merged["full_name"] == "Markwayne Mullin"
    aliases = {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT alias_key, politician_id FROM politician_aliases "
            "WHERE source_id = 'merge'"
        )
    }
    assert aliases == {"house|mullin|markwayne": senator}
    # A later House document naming him finds the kept politician.
    house = parse_index_txt((fixtures / "us_house" / "2023FD.txt").read_bytes())
    entry = next(e for e in house if e.last == "Mullin")
    assert upsert_politician(conn, entry.politician(), source_id="us-house") == senator
    assert other not in (senator, representative)
    action = conn.execute(
        "SELECT target, details FROM action_logs WHERE action_type = "
        "'politicians_merged'"
    ).fetchone()
    assert action["target"] == f"{representative} -> {senator}"
    details = json.loads(action["details"])
    assert details["merged_politician"]["identity_key"] == "house|mullin|markwayne"
    assert len(details["disclosure_ids"]) == rows


@pytest.mark.parametrize(
    ("kept", "merged", "error"),
    [
        ("senator", "senator", "cannot be merged into itself"),
        ("senator", "already", "was already merged into"),
    ],
)
def test_it_refuses_a_merge_that_makes_no_sense(
    fixtures: Path, conn: sqlite3.Connection, kept: str, merged: str, error: str
) -> None:
    senator, representative = _mullin_twice(fixtures, conn)
    merge_politicians(conn, senator, representative)
    ids = {"senator": senator, "already": representative}

    with pytest.raises(UsageError, match=error):
        merge_politicians(conn, ids[kept], ids[merged])


def test_it_refuses_to_merge_two_people_with_different_ids(
    fixtures: Path, conn: sqlite3.Connection
) -> None:
    senator, representative = _mullin_twice(fixtures, conn)
    conn.execute(
        "UPDATE politicians SET bioguide_id = 'M001190' WHERE id = ?", (senator,)
    )
    conn.execute(
        "UPDATE politicians SET bioguide_id = 'X000001' WHERE id = ?", (representative,)
    )

    with pytest.raises(UsageError, match="different bioguide_id"):
        merge_politicians(conn, senator, representative)
    assert (
        conn.execute(
            "SELECT merged_into_id FROM politicians WHERE id = ?", (representative,)
        ).fetchone()[0]
        is None
    )


def test_it_finds_a_politician_by_id_or_unambiguous_name(
    fixtures: Path, conn: sqlite3.Connection
) -> None:
    _, representative = _mullin_twice(fixtures, conn)
    boozman = next(r for r in _search_rows(fixtures) if r.last_name == "Boozman")
    booz = upsert_politician(conn, _senator(boozman), source_id="us-senate")

    assert find_politician_by_reference(conn, str(representative)) == representative
    assert find_politician_by_reference(conn, "john  BOOZMAN") == booz
    with pytest.raises(UsageError, match=r"names 2 politicians \(ids \d+, \d+\)"):
        find_politician_by_reference(conn, "Markwayne Mullin")
    with pytest.raises(UsageError, match="no politician is named 'Tina Smith'"):
        find_politician_by_reference(conn, "Tina Smith")
    with pytest.raises(UsageError, match="no politician has id 999"):
        find_politician_by_reference(conn, "999")


def test_the_merge_command_merges_by_id_and_reports_in_one_line(
    fixtures: Path, tmp_path: Path
) -> None:
    conn = db.connect(tmp_path / "ptt.db")
    senator, representative = _mullin_twice(fixtures, conn)
    conn.close()

    ambiguous = run_ptt(
        tmp_path, "politicians", "merge", str(senator), "Markwayne Mullin"
    )
    merged = run_ptt(
        tmp_path, "politicians", "merge", str(senator), str(representative)
    )

    assert ambiguous.returncode == 2
    assert ambiguous.stderr.startswith("Error: 'Markwayne Mullin' names 2 politicians")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout == (
        f"Merged Markwayne Mullin ({representative}) into Markwayne Mullin ({senator}): "
        "0 filing(s) and 0 row(s) moved, 1 alias(es) recorded\n"
    )
