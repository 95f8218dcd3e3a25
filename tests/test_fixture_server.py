"""The fixture server's own knobs, as far as other tests rely on them."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.fixture_server import FixtureServer


def test_it_serves_a_fallback_pdf_for_unknown_doc_ids(
    fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture_server.house_pdf_fallback = "20032062.pdf"

    response = httpx.get(fixture_server.url("/public_disc/ptr-pdfs/2024/123.pdf"))

    expected = fixtures / "us_house" / "ptr-pdfs" / "20032062.pdf"
    assert response.status_code == 200
    assert response.content == expected.read_bytes()


def test_an_override_with_times_applies_only_to_the_first_requests(
    fixture_server: FixtureServer,
) -> None:
    path = "/public_disc/financial-pdfs/2025FD.zip"
    fixture_server.override(path, status=500, body=b"oops", times=1)

    statuses = [httpx.get(fixture_server.url(path)).status_code for _ in range(3)]

    assert statuses == [500, 200, 200]
    assert fixture_server.count(path) == 3
    assert fixture_server.paths("GET") == [path] * 3


def test_it_records_cookie_names_and_selected_headers(
    fixture_server: FixtureServer,
) -> None:
    with httpx.Client(headers={"User-Agent": "probe/1"}) as client:
        client.get(fixture_server.url("/search/home/"))
        client.get(fixture_server.url("/search/home/"))

    first, second = fixture_server.requests
    assert first.cookies == ()
    assert second.cookies == ("csrftoken",)
    assert second.headers["User-Agent"] == "probe/1"
