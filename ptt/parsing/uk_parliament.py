"""UK Parliament: the Register of Members' Financial Interests and the Members API.

What the source gives: declared holdings and interests, never trades. Shareholdings
(category id 8 in the Interests API, "category 7" in the printed register) become
"holding" rows; every other category (gifts, employment, donations, land, ...) becomes an
"interest" row with its category name kept. Nothing is dropped or forced into a trade.

Layout quirks: the Interests API pages are ``{"skip", "take", "totalResults", "items"}``
with items unwrapped; an interest carries its details as ``fields[{name, value,
typeInfo}]`` whose names differ by category, and may carry ``childInterests`` (for
example ad hoc payments under one employer) that are interests of their own. The Members
API wraps each member as ``{"value": {...}, "links": [...]}``. Amounts are in pounds
(``typeInfo.currencyCode``); shareholdings state only a registrable threshold
("valued at more than £70,000", "over 15% of issued share capital"), never a value.

Limits: amounts are kept as stated. A threshold in pounds goes to ``amount_range_min``
(with no maximum) and its text to ``amount_text``; a percentage threshold has no amount.
Amount fields hold pounds, not dollars: ``raw["currency"]`` says so. The Interests API
states no owner (``HeldOnBehalfOf`` is kept as a comment) and no trade date.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ptt.errors import ParseError
from ptt.model import ParsedDocument, StatedPolitician, Transaction

logger = logging.getLogger(__name__)

SOURCE = "uk-parliament"
SHAREHOLDINGS_CATEGORY_ID = 8
FILING_TYPE = "Register of Members' Financial Interests"
COUNTRY = "United Kingdom"

_HOUSES = {"commons": "commons", "lords": "lords", "1": "commons", "2": "lords"}
_HONORIFICS = (
    "Rt Hon",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Baroness",
    "Baron",
    "Viscount",
    "Earl",
    "Countess",
    "Marquess",
    "Duke",
    "The Lord Bishop of",
    "Bishop",
)
_POUNDS = re.compile(r"£\s*([0-9][0-9,]*(?:\.[0-9]+)?)")


@dataclass(frozen=True)
class InterestsPage:
    """One page of the Interests API: where it starts, its size and its interests."""

    skip: int
    take: int
    total_results: int
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class MembersPage:
    """One page of the Members API search: its members and how many there are."""

    total_results: int
    members: list[StatedPolitician]
    # The search echoes its paging; None where an answer leaves it out.
    skip: int | None = None
    take: int | None = None


def _load_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"{what} is not valid JSON ({exc}); the API may have answered with an "
            "error page: check the URL and try again",
            source=SOURCE,
        ) from exc


def _int_field(page: dict[str, Any], key: str, what: str) -> int:
    value = page.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(
            f"{what} has no whole-number {key!r} (got {value!r}); the API's layout "
            "may have changed",
            source=SOURCE,
        )
    return value


def parse_interests_page(data: bytes) -> InterestsPage:
    """Return one page of the Interests API (``/api/v1/Interests``)."""
    page = _load_json(data, "Interests API page")
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise ParseError(
            "Interests API page has no 'items' list; the API's layout may have changed",
            source=SOURCE,
        )

    items = page["items"]
    if not all(isinstance(item, dict) for item in items):
        raise ParseError(
            "Interests API page has an item that is not an object", source=SOURCE
        )

    return InterestsPage(
        skip=_int_field(page, "skip", "Interests API page"),
        take=_int_field(page, "take", "Interests API page"),
        total_results=_int_field(page, "totalResults", "Interests API page"),
        items=items,
    )


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _split_list_name(
    name_list_as: str | None,
) -> tuple[str | None, str | None, str | None]:
    """Return (last name, honorific, first name) from ``"Badenoch, Mrs Kemi"``."""
    if not name_list_as or "," not in name_list_as:
        return None, None, None

    last, _, rest = name_list_as.partition(",")
    rest = rest.strip()
    honorific = None
    for title in _HONORIFICS:
        if rest == title or rest.startswith(title + " "):
            honorific = title
            rest = rest[len(title) :].strip()
            break
    return last.strip() or None, honorific, rest or None


def _chamber(house: Any) -> str | None:
    return _HOUSES.get(str(house).strip().lower()) if house is not None else None


def _politician(
    member_id: Any,
    display_name: Any,
    list_name: Any,
    party: Any,
    house: Any,
    member_from: Any,
) -> StatedPolitician | None:
    if not isinstance(display_name, str) or not display_name.strip():
        return None

    last, honorific, first = _split_list_name(
        list_name if isinstance(list_name, str) else None
    )
    chamber = _chamber(house)
    # For peers "membershipFrom" is the kind of peerage ("Life peer"), not a place.
    district = member_from if chamber == "commons" and member_from else None
    role = {"commons": "MP", "lords": "Member of the House of Lords"}.get(chamber or "")
    return StatedPolitician(
        full_name=display_name.strip(),
        first_name=first,
        last_name=last,
        honorific=honorific,
        role=role,
        party=party if isinstance(party, str) and party else None,
        state_country=COUNTRY,
        district=district,
        chamber=chamber,
        external_ids={"uk_member_id": str(member_id)} if member_id is not None else {},
    )


def _fields(interest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {}
    for item in interest.get("fields") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            fields[item["name"]] = item
    return fields


def _field_value(fields: dict[str, dict[str, Any]], name: str) -> Any:
    item = fields.get(name)
    return item.get("value") if item else None


def _stated_value(
    fields: dict[str, dict[str, Any]],
) -> tuple[int | None, str | None, str | None]:
    """Return (whole amount, text, currency) of a ``Value`` field, as stated."""
    item = fields.get("Value")
    if not item or item.get("value") in (None, ""):
        return None, None, None

    currency = (item.get("typeInfo") or {}).get("currencyCode")
    text = f"{currency} {item['value']}" if currency else str(item["value"])
    try:
        amount = Decimal(str(item["value"]))
    except InvalidOperation:
        return None, text, currency
    # A value with pence cannot be an int without rounding; keep only its text then.
    whole = int(amount) if amount == amount.to_integral_value() else None
    return whole, text, currency


def _threshold_min(threshold: str) -> int | None:
    """Return the pounds of a threshold such as "valued at more than £70,000"."""
    match = _POUNDS.search(threshold)
    if not match:
        return None
    try:
        amount = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    return int(amount) if amount == amount.to_integral_value() else None


def _row(
    interest: dict[str, Any], row: int, category: dict[str, Any], parent_id: Any
) -> Transaction:
    fields = _fields(interest)
    is_holding = category.get("id") == SHAREHOLDINGS_CATEGORY_ID
    summary = interest.get("summary")
    raw: dict[str, Any] = {
        "interest_id": interest.get("id"),
        "parent_interest_id": interest.get("parentInterestId", parent_id),
        "summary": summary,
        "registrationDate": interest.get("registrationDate"),
        "publishedDate": interest.get("publishedDate"),
        "updatedDates": interest.get("updatedDates"),
        "rectified": interest.get("rectified"),
        "rectifiedDetails": interest.get("rectifiedDetails"),
        "category": {k: category.get(k) for k in ("id", "number", "name")},
        "fields": {name: item.get("value") for name, item in fields.items()},
    }

    amount_min = amount_max = None
    if is_holding:
        threshold = _field_value(fields, "ShareholdingThreshold")
        amount_text = threshold if isinstance(threshold, str) and threshold else None
        amount_min = _threshold_min(amount_text) if amount_text else None
        currency = "GBP" if amount_min is not None else None
    else:
        whole, amount_text, currency = _stated_value(fields)
        amount_min = amount_max = whole
    if currency:
        raw["currency"] = currency

    held_for = _field_value(fields, "HeldOnBehalfOf")
    organisation = _field_value(fields, "OrganisationName")
    return Transaction(
        row=row,
        asset_name=organisation if is_holding and organisation else None,
        asset_type="Shareholding" if is_holding else None,
        transaction_type="holding" if is_holding else "interest",
        amount_range_min=amount_min,
        amount_range_max=amount_max,
        amount_text=amount_text,
        description=summary if isinstance(summary, str) and summary else None,
        comment=f"Held jointly or on behalf of: {held_for}" if held_for else None,
        category=category.get("name"),
        raw=raw,
    )


def interest_to_document(item: dict[str, Any]) -> ParsedDocument:
    """Return one interest (with its child interests) as a parsed document."""
    interest_id = item.get("id") if isinstance(item, dict) else None
    doc_id = str(interest_id) if interest_id is not None else ""
    if not isinstance(item, dict) or interest_id is None:
        return ParsedDocument(
            source=SOURCE,
            doc_id=doc_id,
            parse_status="failed",
            parse_error="Interest has no 'id'; it cannot be traced to the register",
        )

    category = item.get("category")
    if not isinstance(category, dict) or not category.get("name"):
        return ParsedDocument(
            source=SOURCE,
            doc_id=doc_id,
            parse_status="failed",
            parse_error=f"Interest {doc_id} has no category; its kind is unknown",
        )

    member = item.get("member")
    if not isinstance(member, dict):
        member = {}
    politician = _politician(
        member.get("id"),
        member.get("nameDisplayAs"),
        member.get("nameListAs"),
        member.get("party"),
        member.get("house"),
        member.get("memberFrom"),
    )
    url = next(
        (
            link.get("href")
            for link in item.get("links") or []
            if isinstance(link, dict) and link.get("rel") == "self"
        ),
        None,
    )

    rows = [_row(item, 1, category, None)]
    for child in item.get("childInterests") or []:
        if not isinstance(child, dict):
            continue
        child_category = child.get("category")
        if not isinstance(child_category, dict) or not child_category.get("name"):
            child_category = category
        rows.append(_row(child, len(rows) + 1, child_category, interest_id))

    return ParsedDocument(
        source=SOURCE,
        doc_id=doc_id,
        parse_status="parsed",
        filing_type=FILING_TYPE,
        filing_date=_date(item.get("registrationDate")),
        politician=politician,
        transactions=rows,
        url=url,
    )


def _member_value(value: dict[str, Any]) -> StatedPolitician:
    membership = value.get("latestHouseMembership") or {}
    party = (value.get("latestParty") or {}).get("name")
    politician = _politician(
        value.get("id"),
        value.get("nameDisplayAs"),
        value.get("nameListAs"),
        party,
        membership.get("house"),
        membership.get("membershipFrom"),
    )
    if politician is None:
        raise ParseError(
            f"Member {value.get('id')!r} has no 'nameDisplayAs'; the Members API's "
            "layout may have changed",
            source=SOURCE,
        )
    return politician


def parse_member(data: bytes) -> StatedPolitician:
    """Return the member of a Members API answer (``/api/Members/{id}``)."""
    answer = _load_json(data, "Members API answer")
    value = answer.get("value") if isinstance(answer, dict) else None
    if not isinstance(value, dict):
        raise ParseError(
            "Members API answer has no 'value' object; the API's layout may have "
            "changed",
            source=SOURCE,
        )
    return _member_value(value)


def parse_members_search(data: bytes) -> MembersPage:
    """Return one page of the Members API search (``/api/Members/Search``)."""
    page = _load_json(data, "Members API search page")
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise ParseError(
            "Members API search page has no 'items' list; the API's layout may have "
            "changed",
            source=SOURCE,
        )

    members = []
    for item in page["items"]:
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, dict):
            raise ParseError(
                "Members API search page has an item without a 'value' object",
                source=SOURCE,
            )
        members.append(_member_value(value))

    return MembersPage(
        total_results=_int_field(page, "totalResults", "Members API search page"),
        members=members,
        skip=page.get("skip") if isinstance(page.get("skip"), int) else None,
        take=page.get("take") if isinstance(page.get("take"), int) else None,
    )
