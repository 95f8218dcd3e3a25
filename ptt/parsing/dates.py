"""US-style dates (MM/DD/YYYY) as the House, the Senate and their copies state them."""

from __future__ import annotations

import datetime as dt

# No disclosure read here is dated before 1990 or after 2099: a year outside is a slip
# of the keyboard (0009, 2202, seen in Senate Stock Watcher's rows), not a date.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2099


def us_date(text: str) -> dt.date:
    """Return the date ``MM/DD/YYYY`` states; ValueError for any other text or a year
    no disclosure can have (each caller says where the text was and what it keeps)."""
    value = dt.datetime.strptime(text.strip(), "%m/%d/%Y").date()
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"{text!r} has the year {value.year}")
    return value
