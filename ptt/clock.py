"""The current time, in UTC, and the one text form every timestamp is stored in.

``PTT_NOW`` overrides the clock so that schedules can be simulated; the host's time zone
never changes a result.
"""

from __future__ import annotations

import datetime as dt
import os

from ptt.errors import ConfigError

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_time(text: str) -> dt.datetime:
    """Return an ISO-8601 time as an aware UTC datetime (naive means UTC).

    Raises ValueError: each caller says what the text was (a setting, an option, a
    stored column).
    """
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def parse_now(text: str) -> dt.datetime:
    """Return the time PTT_NOW states; a ConfigError when it is not a time."""
    try:
        return parse_time(text)
    except ValueError:
        raise ConfigError(
            f"PTT_NOW={text!r} is not an ISO-8601 time (e.g. 2026-01-31T14:00:00Z)"
        ) from None


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
    return parse_time(text)


def now_text() -> str:
    """Return the current time as stored."""
    return to_text(now())
