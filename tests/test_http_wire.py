"""The HTTP client on the wire, against the real local server of the fixtures."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import httpx
import pytest

from ptt.archive import Archive
from ptt.config import Settings, load_settings
from ptt.errors import BlockedError, FetchError
from ptt.http import HttpClient, RetryPolicy
from tests.fixture_server import FixtureServer

SCANNED_DOC_ID = "8220747"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"PTT_HOME": str(tmp_path), "PTT_RATE_LIMIT": "0", "PTT_CONCURRENCY": "4"}
    return load_settings(env=env)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(settings: Settings, sleeps: list[float]) -> HttpClient:
    with HttpClient(
        settings, retry=RetryPolicy(backoff=0.01, jitter=0), sleep=sleeps.append
    ) as client:
        yield client


def agree(client: HttpClient, server: FixtureServer) -> None:
    """Accept the Senate agreement as a source does."""
    home = client.get(server.url("/search/home/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text)
    assert token is not None
    client.post(
        server.url("/search/home/"),
        data={"prohibition_agreement": "1", "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": server.url("/search/home/")},
    )


def search(
    client: HttpClient, server: FixtureServer, start: int, length: int
) -> httpx.Response:
    return client.post(
        server.url("/search/report/data/"),
        data={
            "start": str(start),
            "length": str(length),
            "report_types": "[11]",
            "csrfmiddlewaretoken": client.cookies.get("csrftoken") or "",
        },
        headers={"Referer": server.url("/search/")},
    )


def test_the_senate_agreement_sets_a_session_and_rotates_the_token(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    client.get(fixture_server.url("/search/home/"))
    first_token = client.cookies.get("csrftoken")

    agree(client, fixture_server)

    assert client.cookies.get("sessionid")
    assert client.cookies.get("csrftoken") not in (None, first_token)
    posted = [r for r in fixture_server.requests if r.method == "POST"]
    assert posted[-1].headers["Referer"].endswith("/search/home/")
    assert "csrftoken" in posted[-1].cookies


def test_the_senate_search_pages_through_the_fixture_rows(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    agree(client, fixture_server)

    pages = [
        search(client, fixture_server, start, 10).json() for start in (0, 10, 20, 30)
    ]

    assert [len(page["data"]) for page in pages] == [10, 10, 10, 5]
    assert pages[0]["recordsTotal"] == 35
    assert pages[0]["data"][0][1] == "Fetterman"
    assert pages[3]["data"][-1][1] == "Graham"


def test_a_search_without_the_agreement_is_sent_back_to_the_home_page(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    client.get(fixture_server.url("/search/home/"))

    response = search(client, fixture_server, 0, 100)

    assert response.history and response.history[0].status_code == 302
    assert response.url.path == "/search/home/"
    assert "agreement_form" in response.text


def test_a_search_with_the_stale_token_is_blocked(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    client.get(fixture_server.url("/search/home/"))
    stale = client.cookies.get("csrftoken") or ""
    agree(client, fixture_server)

    with pytest.raises(BlockedError) as caught:
        client.post(
            fixture_server.url("/search/report/data/"),
            data={"start": "0", "length": "100", "csrfmiddlewaretoken": stale},
            headers={"Referer": fixture_server.url("/search/")},
        )
    assert caught.value.status == 403


def test_report_pages_need_the_session_and_serve_the_fixture(
    client: HttpClient, fixture_server: FixtureServer, fixtures: Path
) -> None:
    path = "/search/view/ptr/0677bd3f-167e-4cae-8f1d-05eb4340fcdc/"
    before = client.get(fixture_server.url(path))
    assert before.url.path == "/search/home/"

    agree(client, fixture_server)
    page = client.get(fixture_server.url(path))

    expected = fixtures / "us_senate" / "ptr_0677bd3f-167e-4cae-8f1d-05eb4340fcdc.html"
    assert page.content == expected.read_bytes()
    with pytest.raises(FetchError) as caught:
        client.get(
            fixture_server.url("/search/view/ptr/f7a22ac4-87ea-46e3-9303-c84d8b1ed6e0/")
        )
    assert caught.value.status == 404


def test_the_served_rows_can_be_cut_to_those_with_fixture_pages(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    rows = fixture_server.only_senate_rows_with_pages()
    agree(client, fixture_server)

    data = search(client, fixture_server, 0, 100).json()

    assert len(rows) == 2
    assert [row[1] for row in data["data"]] == ["BLUMENTHAL", "Boozman"]


def test_it_retries_a_503_honouring_retry_after(
    client: HttpClient,
    fixture_server: FixtureServer,
    sleeps: list[float],
    fixtures: Path,
) -> None:
    path = "/public_disc/financial-pdfs/2025FD.zip"
    fixture_server.override(path, status=503, retry_after="1", times=2)

    response = client.get(fixture_server.url(path))

    assert response.content == (fixtures / "us_house" / "2025FD.zip").read_bytes()
    assert fixture_server.count(path) == 3
    assert sleeps == [1.0, 1.0]


def test_it_retries_a_truncated_body(
    client: HttpClient,
    fixture_server: FixtureServer,
    sleeps: list[float],
    fixtures: Path,
) -> None:
    path = "/public_disc/ptr-pdfs/2025/20026537.pdf"
    fixture_server.override(path, truncate=True, times=1)

    response = client.get(fixture_server.url(path))

    expected = (fixtures / "us_house" / "ptr-pdfs" / "20026537.pdf").read_bytes()
    assert response.content == expected
    assert len(sleeps) == 1


@pytest.mark.parametrize("declare_length", [True, False])
def test_it_refuses_a_streamed_body_over_the_limit(
    client: HttpClient, fixture_server: FixtureServer, declare_length: bool
) -> None:
    path = "/public_disc/ptr-pdfs/2025/20026537.pdf"
    fixture_server.override(
        path, huge_bytes=64 * 1024 * 1024, declare_length=declare_length
    )

    with pytest.raises(FetchError, match="limit of 1048576 bytes") as caught:
        client.get(fixture_server.url(path), max_bytes=1024 * 1024)

    assert caught.value.url == fixture_server.url(path)
    assert fixture_server.count(path) == 1


def test_a_conditional_get_of_an_unchanged_index_returns_304(
    client: HttpClient, fixture_server: FixtureServer, tmp_path: Path
) -> None:
    url = fixture_server.url("/public_disc/financial-pdfs/2025FD.zip")
    archive = Archive(tmp_path / "documents")
    first = client.get(url)
    archive.save("us-house", "2025FD.zip", first.content)
    archive.save_validators(
        "us-house", "2025FD.zip", first.headers["ETag"], first.headers["Last-Modified"]
    )
    kept = archive.validators("us-house", "2025FD.zip")

    again = client.get(url, etag=kept.etag, last_modified=kept.last_modified)
    by_date = client.get(url, last_modified=kept.last_modified)
    changed = client.get(url, etag='"something-else"')

    assert again.status_code == 304 and again.content == b""
    assert by_date.status_code == 304
    assert changed.status_code == 200 and changed.content == first.content
    assert fixture_server.requests[1].headers["If-None-Match"] == kept.etag


def test_a_redirect_is_followed_and_reported(
    client: HttpClient, fixture_server: FixtureServer
) -> None:
    path = "/public_disc/ptr-pdfs/2025/20026537.pdf"
    fixture_server.override(path, redirect_to="/search/home/")

    response = client.get(fixture_server.url(path))

    assert [hop.status_code for hop in response.history] == [302]
    assert response.url.path == "/search/home/"


def test_the_house_indexes_are_served_as_zip_files(
    client: HttpClient, fixture_server: FixtureServer, fixtures: Path
) -> None:
    built = client.get(fixture_server.url("/public_disc/financial-pdfs/2023FD.zip"))

    with zipfile.ZipFile(io.BytesIO(built.content)) as archive:
        assert sorted(archive.namelist()) == ["2023FD.txt", "2023FD.xml"]
        xml = archive.read("2023FD.xml")
    assert xml == (fixtures / "us_house" / "2023FD.xml").read_bytes()
    with pytest.raises(FetchError) as caught:
        client.get(fixture_server.url("/public_disc/financial-pdfs/2019FD.zip"))
    assert caught.value.status == 404


def test_fetch_many_fetches_each_document_once_and_reports_failures(
    settings: Settings, fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.house_pdfs[SCANNED_DOC_ID] = "scanned-image-only.pdf"
    fixture_server.latency = 0.02
    doc_ids = [
        "20022260",
        "20026537",
        "20030886",
        "20032062",
        SCANNED_DOC_ID,
        "99999999",
    ]
    folder = fixtures / "us_house" / "ptr-pdfs"

    with HttpClient(dataclasses.replace(settings, concurrency=3)) as client:
        results = list(
            client.fetch_many(
                doc_ids,
                lambda doc_id: fixture_server.url(
                    f"/public_disc/ptr-pdfs/2025/{doc_id}.pdf"
                ),
            )
        )

    assert sorted(doc_id for doc_id, _ in results) == sorted(doc_ids)
    by_id = dict(results)
    missing = by_id.pop("99999999")
    assert isinstance(missing, FetchError) and missing.status == 404
    for doc_id, response in by_id.items():
        assert isinstance(response, httpx.Response)
        name = "scanned-image-only.pdf" if doc_id == SCANNED_DOC_ID else f"{doc_id}.pdf"
        assert response.content == (folder / name).read_bytes()
    for doc_id in doc_ids:
        assert fixture_server.count(f"/public_disc/ptr-pdfs/2025/{doc_id}.pdf") == 1
