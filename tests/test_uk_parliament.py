"""The UK register of interests and the Members API, read from their real answers."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ptt.errors import ParseError
from ptt.model import StatedPolitician
from ptt.parsing.uk_parliament import (
    interest_to_document,
    parse_interests_page,
    parse_member,
    parse_members_search,
)


def _interest(fixtures: Path) -> dict[str, Any]:
    path = fixtures / "uk_parliament" / "interests_api_v1_Interests_12880.json"
    loaded: dict[str, Any] = json.loads(path.read_bytes())
    return loaded


def _shareholding(fixtures: Path, threshold: str) -> dict[str, Any]:
    # No shareholding answer is among the fixtures: this is the real interest 12880
    # with its category and fields swapped for those the API gives shareholdings
    # (category id 8, number "7"; field names as published API answers show them).
    item = copy.deepcopy(_interest(fixtures))
    item["category"] = {"id": 8, "number": "7", "name": "Shareholdings"}
    item["summary"] = "Shares in Lockhouse Systems Limited"
    item["fields"] = [
        {"name": "OrganisationName", "type": "String", "value": "Lockhouse Systems Limited"},
        {"name": "OrganisationDescription", "type": "String", "value": "Software"},
        {"name": "ShareholdingThreshold", "type": "String", "value": threshold},
        {"name": "HeldOnBehalfOf", "type": "String", "value": None},
    ]  # fmt: skip
    return item


def test_it_reads_a_gift_interest_field_by_field(fixtures: Path) -> None:
    doc = interest_to_document(_interest(fixtures))

    assert (doc.source, doc.doc_id, doc.parse_status) == (
        "uk-parliament",
        "12880",
        "parsed",
    )
    assert doc.filing_date == dt.date(2025, 7, 14)
    assert doc.url == "https://interests-api.parliament.uk/api/v1/Interests/12880"
    assert doc.politician == StatedPolitician(
        full_name="Mrs Kemi Badenoch",
        first_name="Kemi",
        last_name="Badenoch",
        honorific="Mrs",
        role="MP",
        party="Conservative",
        state_country="United Kingdom",
        district="North West Essex",
        chamber="commons",
        external_ids={"uk_member_id": "4597"},
    )
    assert len(doc.transactions) == 1
    row = doc.transactions[0]
    assert row.row == 1
    assert row.transaction_type == "interest"
    assert row.category == "Gifts, benefits and hospitality from UK sources"
    assert row.asset_name is None
    assert row.transaction_date is None
    assert (row.amount_range_min, row.amount_range_max) == (1396, 1396)
    assert row.amount_text == "GBP 1396.00"
    assert row.description == (
        "The All England Lawn Tennis Club (CHAMPIONSHIPS) Limited - £1,396.00"
    )
    assert row.raw["currency"] == "GBP"
    assert row.raw["registrationDate"] == "2025-07-14"
    assert row.raw["category"] == {
        "id": 4,
        "number": "3",
        "name": "Gifts, benefits and hospitality from UK sources",
    }
    assert row.raw["fields"]["DonorCompanyIdentifier"] == "7546773"
    assert row.raw["fields"]["ReceivedDate"] == "2025-07-12"
    assert row.raw["fields"]["IsSoleBeneficiary"] is False


@pytest.mark.parametrize(
    ("threshold", "amount_min", "currency"),
    [
        ("(ii) Other shareholdings, valued at more than £70,000", 70000, "GBP"),
        ("(i) Shareholdings: over 15% of issued share capital", None, None),
    ],
)  # fmt: skip
def test_it_keeps_a_shareholding_as_a_holding_with_its_stated_threshold(
    fixtures: Path, threshold: str, amount_min: int | None, currency: str | None
) -> None:
    doc = interest_to_document(_shareholding(fixtures, threshold))

    row = doc.transactions[0]
    assert row.transaction_type == "holding"
    assert row.category == "Shareholdings"
    assert row.asset_name == "Lockhouse Systems Limited"
    assert row.asset_type == "Shareholding"
    assert row.asset_ticker is None
    assert row.amount_text == threshold
    assert (row.amount_range_min, row.amount_range_max) == (amount_min, None)
    assert row.raw.get("currency") == currency
    assert row.comment is None


def test_it_gives_each_child_interest_its_own_row(fixtures: Path) -> None:
    item = _interest(fixtures)
    child = copy.deepcopy(item)
    child["id"] = 12881
    child["parentInterestId"] = 12880
    del child["category"]
    item["childInterests"] = [child]

    doc = interest_to_document(item)

    assert [row.row for row in doc.transactions] == [1, 2]
    assert [row.raw["interest_id"] for row in doc.transactions] == [12880, 12881]
    assert doc.transactions[1].raw["parent_interest_id"] == 12880
    assert doc.transactions[1].category == doc.transactions[0].category


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda item: item.pop("id"), "no 'id'"),
        (lambda item: item.pop("category"), "no category"),
    ],
)  # fmt: skip
def test_it_fails_an_interest_it_cannot_trace_or_classify(
    fixtures: Path, change: Any, error: str
) -> None:
    item = _interest(fixtures)
    change(item)

    doc = interest_to_document(item)

    assert doc.parse_status == "failed"
    assert error in (doc.parse_error or "")
    assert doc.transactions == []


def test_it_reads_an_interests_page(fixtures: Path) -> None:
    item = _interest(fixtures)
    data = json.dumps({"skip": 20, "take": 20, "totalResults": 41, "items": [item]})

    page = parse_interests_page(data.encode())

    assert (page.skip, page.take, page.total_results) == (20, 20, 41)
    assert page.items == [item]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<html>Service Unavailable</html>", "not valid JSON"),
        (b'{"skip": 0, "take": 20, "totalResults": 1}', "no 'items' list"),
        (b'{"skip": 0, "take": 20, "items": []}', "'totalResults'"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)  # fmt: skip
def test_it_rejects_a_broken_interests_page(data: bytes, error: str) -> None:
    with pytest.raises(ParseError, match=error):
        parse_interests_page(data)


def test_it_reads_a_member(fixtures: Path) -> None:
    data = (fixtures / "uk_parliament" / "members_api_Members_172.json").read_bytes()

    assert parse_member(data) == StatedPolitician(
        full_name="Ms Diane Abbott",
        first_name="Diane",
        last_name="Abbott",
        honorific="Ms",
        role="MP",
        party="Independent",
        state_country="United Kingdom",
        district="Hackney North and Stoke Newington",
        chamber="commons",
        external_ids={"uk_member_id": "172"},
    )


def test_it_reads_a_members_search_page(fixtures: Path) -> None:
    # The search wraps items exactly as the single-member answer does.
    member = json.loads(
        (fixtures / "uk_parliament" / "members_api_Members_172.json").read_bytes()
    )
    data = json.dumps({"items": [member], "totalResults": 650, "skip": 0, "take": 20})

    page = parse_members_search(data.encode())

    assert (page.total_results, page.skip, page.take) == (650, 0, 20)
    assert [m.external_ids for m in page.members] == [{"uk_member_id": "172"}]
    assert page.members[0].full_name == "Ms Diane Abbott"


@pytest.mark.parametrize(
    "data",
    [b"not json", b'{"links": []}', b'{"value": {"id": 1}}'],
)
def test_it_rejects_a_broken_member_answer(data: bytes) -> None:
    with pytest.raises(ParseError, match="Members API"):
        parse_member(data)
