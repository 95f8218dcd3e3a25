"""Politician identity: the spellings one person is given meet under one key."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from ptt.model import StatedPolitician
from ptt.names import alias_keys, external_ids, fold, identity_key, split_full_name
from ptt.parsing.house import parse_index_txt
from ptt.parsing.senate import parse_search_results
from ptt.sources.us_senate import listed_politician


def house(
    first: str, last: str, suffix: str = "", prefix: str = "Hon."
) -> StatedPolitician:
    """Return a House filer as the yearly index states one."""
    return StatedPolitician(
        full_name=f"{first} {last} {suffix}".strip(),
        first_name=first or None,
        last_name=last,
        suffix=suffix or None,
        honorific=prefix or None,
        chamber="house",
    )


def senate(first: str, last: str) -> StatedPolitician:
    """Return a senator as the eFD search row states one (trailing spaces and all)."""
    return StatedPolitician(
        full_name=f"{first} {last}", first_name=first, last_name=last, chamber="senate"
    )


def whole(name: str, chamber: str = "house") -> StatedPolitician:
    """Return a politician known only by a name written whole."""
    return StatedPolitician(full_name=name, chamber=chamber)


# One row per spelling seen in the fixtures (House index, Senate search) or reported by
# other trackers, with the key it must give.
IDENTITY_CASES = [
    (house("Michael A.", "Collins"), "house|collins|michael"),
    (house("Michael A.", "Collins", "Jr"), "house|collins|michael"),
    (house("Mark Dr", "Green"), "house|green|mark"),
    (house("Guy Mr", "Reschenthaler"), "house|reschenthaler|guy"),
    (house('Charles J. "Chuck"', "Fleischmann"), "house|fleischmann|charles"),
    (house("Donald Sternoff", "Beyer", "Jr"), "house|beyer|donald"),
    (house("August Lee", "Pfluger", "II"), "house|pfluger|august"),
    (house("Rudy C.", "Yakym", "III"), "house|yakym|rudy"),
    (house("Tony", "Wied", prefix=""), "house|wied|tony"),
    (house("Debbie", "Wasserman Schultz"), "house|wassermanschultz|debbie"),
    (senate("RICHARD ", "BLUMENTHAL"), "senate|blumenthal|richard"),
    (senate("William F", "Hagerty, IV"), "senate|hagerty|william"),
    (senate("A. Mitchell", "McConnell, Jr."), "senate|mcconnell|mitchell"),
    (senate("Shelley M", "Capito"), "senate|capito|shelley"),
    (whole("Hon. John McGuire"), "house|mcguire|john"),
    (whole("John J. McGuire III"), "house|mcguire|john"),
    (whole("MCGUIRE, JOHN"), "house|mcguire|john"),
    (whole("McGuire, John J., III"), "house|mcguire|john"),
    (whole("The Honorable John Boozman", "senate"), "senate|boozman|john"),
    (whole("Sen. John Boozman", "senate"), "senate|boozman|john"),
    (whole("Nydia M. Velázquez"), "house|velazquez|nydia"),
    (whole("VELAZQUEZ, NYDIA"), "house|velazquez|nydia"),
    (whole("Beto O’Rourke"), "house|orourke|beto"),
    (whole("Dr. Mark Green"), "house|green|mark"),
    (whole("Mrs. Kelly Louise Morrison"), "house|morrison|kelly"),
    (whole("Rep. Rob Bresnahan"), "house|bresnahan|rob"),
    (whole("McCormick, David H. (Senator)", "senate"), "senate|mccormick|david"),
]


@pytest.mark.parametrize(("stated", "key"), IDENTITY_CASES)
def test_identity_key_reduces_each_spelling_to_jurisdiction_last_and_first(
    stated: StatedPolitician, key: str
) -> None:
    assert identity_key(stated) == key


def test_the_same_name_in_two_chambers_is_two_identities() -> None:
    assert identity_key(whole("John Smith", "house")) != identity_key(
        whole("John Smith", "senate")
    )


def test_a_state_official_is_keyed_by_the_state() -> None:
    stated = StatedPolitician(full_name="Jane Doe", chamber="state", state_country="CA")

    assert identity_key(stated) == "state-ca|doe|jane"


def test_alias_keys_add_a_quoted_nickname() -> None:
    keys = alias_keys(house('Charles J. "Chuck"', "Fleischmann"))

    assert keys == ["house|fleischmann|charles", "house|fleischmann|chuck"]


def test_alias_keys_never_add_a_key_without_a_first_name() -> None:
    stated = StatedPolitician(
        full_name="Hagerty",
        first_name="William F",
        last_name="Hagerty",
        chamber="senate",
    )

    assert alias_keys(stated) == ["senate|hagerty|william"]


def test_a_role_in_brackets_is_not_taken_for_a_nickname() -> None:
    parts = split_full_name("Hagerty, Bill (Senator)")

    assert parts is not None
    assert (parts.last, parts.first, parts.nickname) == ("hagerty", "bill", None)


def test_split_full_name_keeps_middle_names_and_suffix() -> None:
    parts = split_full_name("Hon. John J. McGuire III")

    assert parts is not None
    assert (parts.first, parts.middle, parts.last, parts.suffix) == (
        "john",
        ("j",),
        "mcguire",
        "iii",
    )


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("  Sánchez-Ruiz, JR. ") == "sanchez ruiz jr"


def test_external_ids_keep_only_known_columns_with_values() -> None:
    stated = StatedPolitician(
        full_name="Rishi Sunak",
        external_ids={"uk_member_id": " 4483 ", "ep_id": "", "twitter": "x"},
    )

    assert external_ids(stated) == {"uk_member_id": "4483"}


def test_each_member_of_the_2023_house_index_has_one_key_per_district(
    fixtures: Path,
) -> None:
    entries = parse_index_txt((fixtures / "us_house" / "2023FD.txt").read_bytes())
    keys: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for entry in entries:
        if entry.filing_type in ("P", "A", "O"):
            keys[(entry.last, entry.state_district)].add(
                identity_key(entry.politician())
            )

    assert len(keys) > 140
    assert {k: v for k, v in keys.items() if len(v) > 1} == {}


def test_each_senator_of_the_search_has_one_key_across_their_reports(
    fixtures: Path,
) -> None:
    page = parse_search_results(
        (fixtures / "us_senate" / "search_report_data.json").read_bytes()
    )
    keys: dict[str, set[str]] = defaultdict(set)
    for row in page.rows:
        keys[row.office].add(identity_key(listed_politician(row)))

    assert len(page.rows) == 35
    assert all(len(v) == 1 for v in keys.values())
    assert len({k for v in keys.values() for k in v}) == len(keys) == 19
    assert keys["Hagerty, Bill (Senator)"] == {"senate|hagerty|william"}
