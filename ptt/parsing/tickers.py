"""Tickers and security identifiers as documents state them.

A ticker is taken only where the document states it: a ticker column, or an identifier in
parentheses after the asset name. An asset-type code in square brackets (``[ST]``) is never
a ticker, and neither is any bare capitalised word. CUSIPs and ISINs are recognised by their
check digits and kept apart from tickers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One to five letters, optionally a class suffix after a dot, dash or slash (BRK.B, BF-B).
_TICKER = re.compile(r"^[A-Z]{1,5}(?:[.\-/][A-Z]{1,2})?$")
_TYPE_CODE_AT_END = re.compile(r"\s*\[([A-Z0-9]{2})\]\s*$")
_PAREN_AT_END = re.compile(r"\s*\(([^()]{1,20})\)\s*$")
_NO_TICKER = {"", "--", "-", "N/A", "NA", "NONE"}


@dataclass(frozen=True)
class AssetParts:
    """An asset description split into its name and the identifiers it states."""

    name: str
    ticker: str | None = None
    cusip: str | None = None
    isin: str | None = None
    type_code: str | None = None


def normalize_ticker(text: str | None) -> str | None:
    """Return the ticker in its one stored form (upper case, class after a dot), or None."""
    if text is None:
        return None
    candidate = text.strip().upper().lstrip("$")
    if candidate in _NO_TICKER:
        return None
    if not _TICKER.match(candidate):
        return None
    return re.sub(r"[\-/]", ".", candidate)


def _luhn_digits(body: str) -> list[int]:
    digits: list[int] = []
    for ch in body:
        if ch.isdigit():
            digits.append(int(ch))
        else:
            digits.extend(int(d) for d in str(ord(ch) - 55))
    return digits


def is_cusip(text: str) -> bool:
    """Return whether ``text`` is a CUSIP with a valid check digit."""
    if len(text) != 9 or not text.isalnum() or not text[-1].isdigit():
        return False

    total = 0
    for i, ch in enumerate(text[:8].upper()):
        if ch.isdigit():
            value = int(ch)
        elif ch.isalpha():
            value = ord(ch) - 55
        else:
            return False
        if i % 2 == 1:
            value *= 2
        total += value // 10 + value % 10
    return (10 - total % 10) % 10 == int(text[-1])


def is_isin(text: str) -> bool:
    """Return whether ``text`` is an ISIN with a valid check digit."""
    if len(text) != 12 or not text[:2].isalpha() or not text.isalnum():
        return False
    if not text[-1].isdigit():
        return False

    digits = _luhn_digits(text[:-1].upper())
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == int(text[-1])


def split_asset(text: str) -> AssetParts:
    """Return the parts of an asset text such as ``Alphabet Inc. - Class A (GOOGL) [ST]``."""
    rest = " ".join(text.split())
    type_code = None
    match = _TYPE_CODE_AT_END.search(rest)
    if match:
        type_code = match.group(1)
        rest = rest[: match.start()]

    ticker = cusip = isin = None
    match = _PAREN_AT_END.search(rest)
    if match:
        inner = match.group(1).strip()
        if is_cusip(inner.upper()):
            cusip = inner.upper()
        elif is_isin(inner.upper()):
            isin = inner.upper()
        elif inner.isupper() or not inner.isalpha():
            ticker = normalize_ticker(inner)
        if cusip or isin or ticker:
            rest = rest[: match.start()]

    return AssetParts(
        name=rest.strip(), ticker=ticker, cusip=cusip, isin=isin, type_code=type_code
    )
