"""The fixture server's UK, EU and California routes, as the source tests rely on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixture_server import (
    CALIFORNIA_PATH,
    EU_FULL_LIST_PATH,
    EU_OUTGOING_PATH,
    INTEGRITYWATCH_PATH,
    FixtureServer,
)


def interests(server: FixtureServer, **params: object) -> dict[str, Any]:
    response = httpx.get(server.url("/api/v1/Interests"), params=params)
    assert response.status_code == 200
    page: dict[str, Any] = response.json()
    return page


def test_the_interests_api_pages_the_fixture_interest_with_take_capped_at_20(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.uk_repeat = 45

    pages = [interests(fixture_server, Skip=skip, Take=50) for skip in (0, 20, 40)]

    assert [(p["skip"], p["take"], p["totalResults"]) for p in pages] == [
        (0, 20, 45),
        (20, 20, 45),
        (40, 20, 45),
    ]
    assert [len(p["items"]) for p in pages] == [20, 20, 5]
    assert {item["id"] for p in pages for item in p["items"]} == {12880}


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"MemberId": 4597}, 1),
        ({"MemberId": 172}, 0),
        ({"CategoryId": 4}, 1),
        ({"CategoryId": 8}, 0),
        ({"memberid": 4597, "categoryid": 4}, 1),
    ],
)
def test_the_interests_api_filters_by_member_and_category(
    fixture_server: FixtureServer, params: dict[str, object], total: int
) -> None:
    assert interests(fixture_server, **params)["totalResults"] == total


def test_one_interest_is_the_fixture_answer(
    fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture = fixtures / "uk_parliament" / "interests_api_v1_Interests_12880.json"

    found = httpx.get(fixture_server.url("/api/v1/Interests/12880"))
    missing = httpx.get(fixture_server.url("/api/v1/Interests/1"))

    assert found.json() == json.loads(fixture.read_bytes())
    assert missing.status_code == 404


def test_the_members_api_wraps_the_fixture_member_as_items_value(
    fixture_server: FixtureServer,
) -> None:
    search = httpx.get(
        fixture_server.url("/api/Members/Search"),
        params={"House": 1, "IsCurrentMember": "true", "skip": 0, "take": 20},
    ).json()
    lords = httpx.get(
        fixture_server.url("/api/Members/Search"), params={"House": 2}
    ).json()
    one = httpx.get(fixture_server.url("/api/Members/172"))
    other = httpx.get(fixture_server.url("/api/Members/4597"))

    assert search["totalResults"] == 1
    assert search["items"][0]["value"]["nameDisplayAs"] == "Ms Diane Abbott"
    assert lords["totalResults"] == 0
    assert one.json()["value"]["id"] == 172
    assert other.status_code == 404


def test_outgoing_meps_move_from_the_full_list_to_the_outgoing_list(
    fixture_server: FixtureServer, fixtures: Path
) -> None:
    fixture = (fixtures / "eu_parliament" / "meps_full_list_fr_2019.xml").read_bytes()

    before = httpx.get(fixture_server.url(EU_FULL_LIST_PATH)).content
    empty = httpx.get(fixture_server.url(EU_OUTGOING_PATH)).content
    fixture_server.eu_outgoing_ids = {"189525"}
    after = httpx.get(fixture_server.url(EU_FULL_LIST_PATH)).content
    outgoing = httpx.get(fixture_server.url(EU_OUTGOING_PATH)).content

    assert before == fixture
    assert empty.endswith(b"<meps></meps>")
    assert b"<id>189525</id>" not in after and after.count(b"<mep>") == 749
    assert outgoing.count(b"<mep>") == 1 and b"Asim ADEMOV" in outgoing


@pytest.mark.parametrize(
    ("path", "fixture"),
    [
        (
            INTEGRITYWATCH_PATH,
            "eu_parliament/integritywatch_declarations_leg9_first60.json",
        ),
        (CALIFORNIA_PATH, "california/form700_schedule_a1_first300.csv"),
    ],
)
def test_whole_files_are_served_with_validators_and_answer_304_when_unchanged(
    fixture_server: FixtureServer, fixtures: Path, path: str, fixture: str
) -> None:
    first = httpx.get(fixture_server.url(path))
    again = httpx.get(
        fixture_server.url(path), headers={"If-None-Match": first.headers["ETag"]}
    )

    assert first.content == (fixtures / fixture).read_bytes()
    assert again.status_code == 304
