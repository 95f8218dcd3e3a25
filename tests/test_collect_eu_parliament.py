"""``eu-parliament`` end to end: the MEP lists and Integrity Watch's declarations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

import pytest

from ptt.db import connect
from ptt.model import StatedPolitician
from ptt.store import upsert_politician
from tests import more_sources
from tests.fixture_server import (
    EU_FULL_LIST_PATH,
    EU_OUTGOING_PATH,
    INTEGRITYWATCH_PATH,
    FixtureServer,
)

SOURCE = "eu-parliament"
DECLARATIONS = "eu_parliament/integritywatch_declarations_leg9_first60.json"
# Declarations whose MEP the 2019 list names, and one MEP who is made outgoing.
NAMED = 39
KOESTER = "124822_DFI_LEG9_rev0_DE"
ZOVKO_EP_ID = "185341"


def test_it_stores_each_declaration_under_its_official_pdf_with_the_mep_named(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.eu_outgoing_ids = {ZOVKO_EP_ID}
    declarations = json.loads((fixtures / DECLARATIONS).read_bytes())

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert (metrics.status, metrics.error) == ("success", None)
    assert (metrics.filings_seen, metrics.documents_fetched) == (60, 60)
    assert metrics.records_failed == 0
    conn = more_sources.database(tmp_path)
    filings = {
        row["doc_id"]: row
        for row in conn.execute(
            "SELECT f.*, p.full_name, p.ep_id, p.political_group, p.state_country, "
            "p.party FROM filings f JOIN politicians p ON p.id = f.politician_id"
        )
    }
    assert {f["url"] for f in filings.values()} == {d["url"] for d in declarations}
    assert all(f["parse_status"] == "parsed" for f in filings.values())
    assert sum(1 for f in filings.values() if f["full_name"]) == NAMED
    koester = filings[KOESTER]
    assert (
        koester["full_name"],
        koester["ep_id"],
        koester["state_country"],
        koester["party"],
        koester["filing_date"],
        koester["url"],
    ) == (
        "Dietmar KÖSTER",
        "124822",
        "Allemagne",
        "Sozialdemokratische Partei Deutschlands",
        "2019-06-26",
        "https://www.europarl.europa.eu/mepdif/124822_DFI_LEG9_rev0_DE.pdf",
    )
    # An MEP who left is named from the outgoing list.
    zovko = next(f for f in filings.values() if f["ep_id"] == ZOVKO_EP_ID)
    assert (zovko["full_name"], zovko["political_group"]) == (
        "Željana ZOVKO",
        "Groupe du Parti populaire européen (Démocrates-Chrétiens)",
    )
    archived = (tmp_path / "documents" / koester["archive_path"]).read_bytes()
    assert hashlib.sha256(archived).hexdigest() == koester["sha256"]
    assert json.loads(archived) == [
        d for d in declarations if d["url"].endswith(KOESTER + ".pdf")
    ]
    origins = {row[0] for row in conn.execute("SELECT origin FROM trading_disclosures")}
    assert origins == {"integritywatch"}
    supplied = {row[0] for row in conn.execute("SELECT origin FROM filings")}
    assert supplied == {"integritywatch"}
    holdings = conn.execute(
        "SELECT f.doc_id, t.asset_name, t.amount_range_min FROM trading_disclosures t "
        "JOIN filings f ON f.id = t.filing_id WHERE t.transaction_type = 'holding' "
        "ORDER BY f.doc_id"
    ).fetchall()
    assert [tuple(h) for h in holdings] == [
        ("22858_DFI_LEG9_rev1_FR", "CITIZ Société d'Auto partage (1000€)X", None),
        ("96810_DFI_LEG9_rev0_IT", "1.G.E.R.S. IM X SRL", None),
    ]
    politicians = conn.execute("SELECT COUNT(*) FROM politicians").fetchone()[0]
    assert politicians == 750 + (60 - NAMED)


def test_a_declaration_of_an_mep_no_list_names_keeps_the_ep_id_and_no_name(
    tmp_path: Path, fixture_server: FixtureServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ptt"):
        more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "21 of 60 declarations are by MEPs neither list names; they are kept under "
        "the EP id only, until a list names them."
    ]

    conn = more_sources.database(tmp_path)
    mep = conn.execute(
        "SELECT p.* FROM politicians p JOIN filings f ON f.politician_id = p.id "
        "WHERE f.doc_id = '96750_DFI_LEG9_rev0_FR'"
    ).fetchone()
    assert (mep["full_name"], mep["ep_id"], mep["role"], mep["last_name"]) == (
        "",
        "96750",
        "MEP",
        None,
    )


def test_a_list_that_names_an_mep_later_completes_the_name(tmp_path: Path) -> None:
    conn = connect(tmp_path / "ptt.db")
    first = upsert_politician(
        conn,
        StatedPolitician(full_name="", role="MEP", external_ids={"ep_id": "185341"}),
        source_id=SOURCE,
    )

    later = upsert_politician(
        conn,
        StatedPolitician(
            full_name="Željana ZOVKO",
            first_name="Željana",
            last_name="ZOVKO",
            role="MEP",
            external_ids={"ep_id": "185341"},
        ),
        source_id=SOURCE,
    )

    row = conn.execute("SELECT * FROM politicians").fetchone()
    assert later == first
    assert (row["full_name"], row["last_name"]) == ("Željana ZOVKO", "ZOVKO")


def test_a_second_run_changes_nothing_and_asks_for_the_files_conditionally(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    first, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)
    before = more_sources.snapshot(tmp_path, SOURCE)

    second, _ = more_sources.collect_process(tmp_path, fixture_server, SOURCE)

    assert first[SOURCE]["records_new"] > 0
    assert more_sources.counts(second[SOURCE]) == (0, 0, 0, 0)
    assert more_sources.snapshot(tmp_path, SOURCE) == before
    again = [r for r in fixture_server.requests if r.path == INTEGRITYWATCH_PATH][-1]
    assert "If-None-Match" in again.headers
    declarations = more_sources.archived_files(tmp_path, SOURCE)
    assert len([p for p in declarations if "declarations" in p.parts]) == 60


def test_a_malformed_mep_list_fails_the_run_and_stores_no_declaration(
    tmp_path: Path, fixture_server: FixtureServer, fixtures: Path
) -> None:
    whole = (fixtures / "eu_parliament" / "meps_full_list_fr_2019.xml").read_bytes()
    fixture_server.override(EU_FULL_LIST_PATH, body=whole[: len(whole) // 2])

    summary, stderr = more_sources.collect_process(
        tmp_path, fixture_server, SOURCE, expect=1
    )

    assert summary[SOURCE]["status"] == "failed"
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: eu-parliament: the MEP list (http://")
    assert "not well-formed XML" in last
    conn = more_sources.database(tmp_path)
    assert conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0] == 0
    assert fixture_server.count(INTEGRITYWATCH_PATH) == 0


def test_a_missing_outgoing_list_fails_the_run_naming_it(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    fixture_server.override(EU_OUTGOING_PATH, status=404)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "failed"
    (error,) = result.errors()
    assert error.startswith("eu-parliament: the outgoing MEP list could not be fetched")
    assert "404" in error


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b'{"error": "moved"}', "are not a JSON list"), (b"[]", "are an empty list")],
)
def test_declarations_that_are_not_a_list_or_none_fail_the_run(
    tmp_path: Path, fixture_server: FixtureServer, body: bytes, problem: str
) -> None:
    fixture_server.override(INTEGRITYWATCH_PATH, body=body)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "failed"
    assert metrics.error is not None and problem in metrics.error


def test_a_sitting_list_without_meps_fails_the_run_but_an_empty_outgoing_list_does_not(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    empty = b'<?xml version="1.0" encoding="UTF-8"?><meps></meps>'
    fixture_server.override(EU_FULL_LIST_PATH, body=empty)

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "failed"
    assert metrics.error is not None and "the MEP list (http://" in metrics.error
    assert "names no MEP" in metrics.error
    # The default outgoing list of the server is empty, and was read without complaint.
    assert fixture_server.count(EU_OUTGOING_PATH) == 1


@pytest.mark.parametrize(
    ("since", "stored"),
    [(None, 60), (dt.date(2019, 7, 1), 40), (dt.date(2030, 1, 1), 0)],
)
def test_since_keeps_the_declarations_filed_on_or_after_the_date(
    tmp_path: Path,
    fixture_server: FixtureServer,
    fixtures: Path,
    since: dt.date | None,
    stored: int,
) -> None:
    declarations = json.loads((fixtures / DECLARATIONS).read_bytes())
    filed = [dt.datetime.strptime(d["date"], "%d/%m/%Y").date() for d in declarations]

    result = more_sources.collect_in_process(
        tmp_path, fixture_server, SOURCE, since=since
    )

    (metrics,) = result.sources
    assert metrics.documents_fetched == stored
    assert stored == sum(1 for day in filed if since is None or day >= since)


def test_a_declaration_without_its_official_pdf_is_counted_failed_and_left_out(
    tmp_path: Path, fixture_server: FixtureServer, caplog: pytest.LogCaptureFixture
) -> None:
    # The real declarations, the first stripped of the url that names its document.
    declarations = json.loads(fixture_server.integritywatch or b"[]")
    del declarations[0]["url"]
    fixture_server.integritywatch = json.dumps(declarations).encode()

    result = more_sources.collect_in_process(tmp_path, fixture_server, SOURCE)

    (metrics,) = result.sources
    assert metrics.status == "success"
    assert (metrics.filings_seen, metrics.records_failed) == (59, 1)
    conn = more_sources.database(tmp_path)
    docs = {row[0] for row in conn.execute("SELECT doc_id FROM filings")}
    assert len(docs) == 59 and "96750_DFI_LEG9_rev0_FR" not in docs
    assert "An Integrity Watch declaration of MEP 96750 has no official PDF" in (
        caplog.text
    )
