"""Stated amounts: one reader for every source, never a made-up bound."""

from __future__ import annotations

import pytest

from ptt.parsing.amounts import amount_band


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,001 - $15,000", (1001, 15000)),  # House, Senate and Stock Watcher bands
        ("$1,001 -\n$15,000", (1001, 15000)),  # wrapped over two lines in a PTR
        ("$ 1,001 - $ 15,000", (1001, 15000)),
        ("Over $50,000,000", (50000001, None)),  # open: no maximum
        ("Spouse/DC Over $1,000,000", (1000001, None)),
        ("$9.00", (9, 9)),  # an exact value, as the Pelosi PTR states one
        ("$1,234.56", (1234, 1235)),  # cents lie between the dollars around them
        ("$15,000", (15000, 15000)),
        ("Unknown", (None, None)),
        ("$1,001 - ", (None, None)),  # a band cut short states no maximum
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_it_reads_a_stated_amount_as_whole_dollars(
    text: str | None, expected: tuple[int | None, int | None]
) -> None:
    assert amount_band(text) == expected
