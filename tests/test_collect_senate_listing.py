"""The Senate search read page by page while the reports already listed download.

The fixture server lists the real Boozman report under many report ids (its page served
for each), so that the search needs several pages of 100.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ptt import db
from ptt.collect import CollectOptions, run_collection
from ptt.config import load_settings
from ptt.http import HttpClient, RetryPolicy
from ptt.sources.us_senate import stated_role
from tests import congress
from tests.fixture_server import FixtureServer, Reply

SEARCH = "/search/report/data/"


@pytest.fixture
def server(fixture_server: FixtureServer) -> FixtureServer:
    """Return the server listing 250 reports, three pages of the search."""
    template = next(
        r for r in fixture_server.senate_rows if congress.BOOZMAN_ID in r[3]
    )
    fixture_server.senate_rows = [
        [
            *template[:3],
            template[3].replace(
                congress.BOOZMAN_ID, f"00000000-0000-4000-8000-{n:012d}"
            ),
            template[4],
        ]
        for n in range(250)
    ]
    fixture_server.senate_page_fallback["ptr"] = f"ptr_{congress.BOOZMAN_ID}.html"
    return fixture_server


def collect(home: Path, server: FixtureServer, options: CollectOptions) -> dict:
    settings = load_settings(
        env={"PTT_HOME": str(home), **congress.environment(server)}
    )
    conn = db.connect(settings.db_path)
    with HttpClient(settings, retry=RetryPolicy(attempts=1)) as client:
        result = run_collection(conn, settings, ["us-senate"], options, http=client)
    conn.close()
    return result.sources[0].as_dict()


def test_every_page_of_the_search_is_read_and_each_report_fetched_once(
    tmp_path: Path, server: FixtureServer
) -> None:
    metrics = collect(tmp_path, server, CollectOptions(year=2025))

    assert metrics["status"] == "success", metrics["error"]
    assert (metrics["filings_seen"], metrics["documents_fetched"]) == (250, 250)
    assert metrics["records_new"] == 250 * 8
    assert server.count(SEARCH, "POST") == 3
    views = [p for p in server.paths("GET") if p.startswith("/search/view/")]
    assert len(views) == len(set(views)) == 250


def test_the_agreement_takes_two_requests_and_the_search_page_is_never_asked_for(
    tmp_path: Path, server: FixtureServer
) -> None:
    collect(tmp_path, server, CollectOptions(year=2025))

    assert server.count("/search/home/", "GET") == 1
    assert server.count("/search/home/", "POST") == 1
    assert server.count("/search/") == 0


def test_a_limit_holds_across_the_pages_of_the_search(
    tmp_path: Path, server: FixtureServer
) -> None:
    metrics = collect(tmp_path, server, CollectOptions(year=2025, limit=150))

    assert metrics["documents_fetched"] == 150
    assert metrics["filings_seen"] == 250


def test_an_agreement_answered_by_a_redirect_to_itself_fails_the_run_as_refused(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        server,
        "_agree",
        lambda *args: Reply(302, b"", headers={"Location": "/search/home/"}),
    )

    metrics = collect(tmp_path, server, CollectOptions(year=2025))

    assert metrics["status"] == "failed"
    assert metrics["error"].startswith(
        "accepting the agreement (POST /search/home/) led back to the agreement page"
    )
    assert server.count(SEARCH) == 0


@pytest.mark.parametrize(
    ("office", "role"),
    [
        ("Sullivan, Dan (Senator)", "Senator"),  # as the search lists most filers
        ("Senator", "Senator"),  # as it lists the paper filings
        ("Boozman, John", None),  # a name that states no role
        ("", None),
    ],
)
def test_the_role_is_read_from_the_office_the_search_states(
    office: str, role: str | None
) -> None:
    assert stated_role(office) == role
