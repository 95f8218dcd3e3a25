"""Tickers are taken only where a document states them."""

from __future__ import annotations

import pytest

from ptt.parsing.tickers import is_cusip, is_isin, normalize_ticker, split_asset


@pytest.mark.parametrize(
    ("text", "name", "ticker", "cusip", "code"),
    [
        ("Alphabet Inc. - Class A (GOOGL) [ST]", "Alphabet Inc. - Class A", "GOOGL", None, "ST"),
        ("United States Treasury Note 4.25% (91282CJP7) [GS]", "United States Treasury Note 4.25%", None, "91282CJP7", "GS"),
        ("Berkshire Hathaway Inc. (BRK-B) [ST]", "Berkshire Hathaway Inc.", "BRK.B", None, "ST"),
        ("Vanguard Target Retirement 2035 Fund [MF]", "Vanguard Target Retirement 2035 Fund", None, None, "MF"),
        ("Pineapple Energy Inc. [ST]", "Pineapple Energy Inc.", None, None, "ST"),
        ("Some Trust (Family) [TR]", "Some Trust (Family)", None, None, "TR"),
    ],
)  # fmt: skip
def test_it_splits_house_asset_texts(
    text: str, name: str, ticker: str | None, cusip: str | None, code: str
) -> None:
    parts = split_asset(text)

    assert (parts.name, parts.ticker, parts.cusip, parts.type_code) == (
        name,
        ticker,
        cusip,
        code,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("--", None), ("", None), ("aapl", "AAPL"), ("BF-B", "BF.B"), ("BRK/B", "BRK.B"),
     ("Apple Inc", None), ("TOOLONGX", None)],
)  # fmt: skip
def test_it_normalizes_stated_tickers(text: str, expected: str | None) -> None:
    assert normalize_ticker(text) == expected


def test_it_checks_identifier_check_digits() -> None:
    assert is_cusip("91282CJP7")
    assert not is_cusip("91282CJP8")
    assert is_isin("US0378331005")
    assert not is_isin("US0378331006")
