"""Stated amounts as whole-dollar ranges: the federal bands, "Over $X" and exact values.

One reader for every document that states amounts in dollars (House PTRs, Senate pages,
Senate Stock Watcher rows, mapped files), so that the same text gives the same range
whichever source states it. A range is never a made-up midpoint: an open band has no
maximum, and text that is none of these forms gives (None, None).
"""

from __future__ import annotations

import math
import re

_MONEY = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)")
_BAND = re.compile(r"\$[\d,.]+\s*-\s*\$[\d,.]+")
_EXACT = re.compile(r"\$[\d,]+(?:\.\d+)?")
_OVER = re.compile(r"\bover\b", re.IGNORECASE)


def amount_band(text: str | None) -> tuple[int | None, int | None]:
    """Return (min, max) of a stated amount: a band, "Over $X" (no max) or a value."""
    if not text:
        return None, None

    # Amounts wrap over lines and some writers put a space after the dollar sign.
    cleaned = re.sub(r"\$\s+", "$", " ".join(text.split()))
    values = [float(found.replace(",", "")) for found in _MONEY.findall(cleaned)]
    if len(values) == 1 and _OVER.search(cleaned):
        # Bands are whole dollars: "Over $50,000,000" starts at $50,000,001.
        return math.floor(values[0]) + 1, None
    if len(values) == 2 and _BAND.fullmatch(cleaned):
        return math.floor(values[0]), math.ceil(values[1])
    if len(values) == 1 and _EXACT.fullmatch(cleaned):
        # An exact value with cents lies between the whole dollars around it.
        return math.floor(values[0]), math.ceil(values[0])
    return None, None
