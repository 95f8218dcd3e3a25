"""The current time, in UTC, and the one text form every timestamp is stored in.

``PTT_NOW`` overrides the clock so that schedules can be simulated; the host's time zone
never changes a result.
"""

from __future__ import annotations

import datetime as dt
import os

from ptt.config import parse_now

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now() -> dt.datetime:
    """Return the current UTC time, or PTT_NOW when it is set."""
    text = os.environ.get("PTT_NOW")
    if text:
        return parse_now(text)
    return dt.datetime.now(dt.UTC)


def to_text(value: dt.datetime) -> str:
    """Return a datetime as stored: UTC, to the second, with a Z."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


def from_text(text: str) -> dt.datetime:
    """Return a stored timestamp as an aware UTC datetime."""
    return parse_now(text)


def now_text() -> str:
    """Return the current time as stored."""
    return to_text(now())
