"""US dates: what the House and Senate state, and the years no disclosure can have."""

from __future__ import annotations

import datetime as dt

import pytest

from ptt.parsing.dates import us_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/13/2026", dt.date(2026, 1, 13)),
        ("1/3/2023", dt.date(2023, 1, 3)),  # the House index writes M/D/YYYY
        (" 07/24/2018 ", dt.date(2018, 7, 24)),
    ],
)
def test_it_reads_a_us_date(text: str, expected: dt.date) -> None:
    assert us_date(text) == expected


@pytest.mark.parametrize(
    "text", ["02/02/2202", "11/02/0009", "2026-01-13", "13/01/2026"]
)
def test_it_refuses_other_text_and_impossible_years(text: str) -> None:
    with pytest.raises(ValueError):
        us_date(text)
